/// When a service team works: hours per weekday in a time zone, days off (holidays), and days worked that are
/// usually off — mainland China moves weekend days to make long holidays, so a Sunday can be a working day.
/// Response-time targets count only these hours.
public struct BusinessCalendar: Sendable, Hashable {
    public enum Weekday: String, Sendable, Hashable, CaseIterable, Codable {
        case mon, tue, wed, thu, fri, sat, sun
    }

    /// Minutes after local midnight, `start` before `end`; `end` may be 1440 (the end of the day).
    public struct Span: Sendable, Hashable {
        public var start: Int
        public var end: Int

        public init(start: Int, end: Int) {
            self.start = start
            self.end = end
        }
    }

    public var utcOffset: UTCOffset
    public var hours: [Weekday: [Span]]
    public var holidays: Set<CalendarDate>
    /// Days worked though their weekday is not; they keep a Monday's hours.
    public var workingDays: Set<CalendarDate>

    public init(
        utcOffset: UTCOffset, hours: [Weekday: [Span]], holidays: Set<CalendarDate> = [],
        workingDays: Set<CalendarDate> = []
    ) {
        self.utcOffset = utcOffset
        self.hours = hours
        self.holidays = holidays
        self.workingDays = workingDays
    }

    /// Every hour of every day in China's time zone: targets count as clock time until a team sets its hours.
    public static let allHours = BusinessCalendar(
        utcOffset: .shanghai,
        hours: Dictionary(uniqueKeysWithValues: Weekday.allCases.map { ($0, [Span(start: 0, end: 1440)]) }))

    public static func weekday(of date: CalendarDate) -> Weekday {
        // 1970-01-01 was a Thursday.
        Weekday.allCases[(date.daysSinceEpoch + 3).floorModulo(7)]
    }

    /// The working spans of a local day, in minutes after its midnight.
    public func spans(on date: CalendarDate) -> [Span] {
        if holidays.contains(date) { return [] }
        if workingDays.contains(date) { return hours[.mon] ?? [] }
        return hours[Self.weekday(of: date)] ?? []
    }

    static let minute: Int64 = 60_000

    /// The instant `milliseconds` of working time after `start`; at `start` itself when it is 0 and `start` is
    /// within working hours, else at the next working instant. Nil when the calendar has no working time within
    /// ten years (it would never come).
    public func adding(_ milliseconds: Int64, to start: Timestamp) -> Timestamp? {
        var left = max(0, milliseconds)
        var date = utcOffset.date(of: start)
        let last = date.addingDays(3_660)
        while date <= last {
            let midnight = utcOffset.startOf(date).millisecondsSinceEpoch
            for span in spans(on: date) {
                let from = max(midnight + Int64(span.start) * Self.minute, start.millisecondsSinceEpoch)
                let to = midnight + Int64(span.end) * Self.minute
                guard from < to else { continue }
                if to - from >= left { return Timestamp(millisecondsSinceEpoch: from + left) }
                left -= to - from
            }
            date = date.addingDays(1)
        }
        return nil
    }

    /// Working time between two instants, in milliseconds (0 when `end` is not after `start`).
    public func workingTime(from start: Timestamp, to end: Timestamp) -> Int64 {
        guard end > start else { return 0 }
        var total: Int64 = 0
        var date = utcOffset.date(of: start)
        let lastDate = utcOffset.date(of: end)
        while date <= lastDate {
            let midnight = utcOffset.startOf(date).millisecondsSinceEpoch
            for span in spans(on: date) {
                let from = max(midnight + Int64(span.start) * Self.minute, start.millisecondsSinceEpoch)
                let to = min(midnight + Int64(span.end) * Self.minute, end.millisecondsSinceEpoch)
                if to > from { total += to - from }
            }
            date = date.addingDays(1)
        }
        return total
    }
}

extension Int {
    func floorModulo(_ divisor: Int) -> Int {
        let remainder = self % divisor
        return remainder < 0 ? remainder + divisor : remainder
    }
}
