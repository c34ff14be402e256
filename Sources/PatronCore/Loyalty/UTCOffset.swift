/// The program's time zone as a fixed offset from UTC, which defines days, months and expiry boundaries.
///
/// China keeps one offset all year (Asia/Shanghai is +08:00), so a fixed offset is exact for the default
/// program and avoids shipping a time-zone database in the pure core.
public struct UTCOffset: Sendable, Hashable, Codable, CustomStringConvertible {
    public var minutes: Int

    public init(minutes: Int) {
        self.minutes = minutes
    }

    public static let shanghai = UTCOffset(minutes: 480)

    /// Parses `+08:00`, `-05:30` or `Z`.
    public init?(parsing text: String) {
        if text == "Z" || text == "+00:00" {
            self.minutes = 0
            return
        }
        let characters = Array(text)
        guard characters.count == 6, characters[0] == "+" || characters[0] == "-", characters[3] == ":",
            [1, 2, 4, 5].allSatisfy({ characters[$0].isASCII && characters[$0].isNumber }),
            let hours = Int(String(characters[1...2])), let minutes = Int(String(characters[4...5])),
            hours <= 14, minutes < 60
        else { return nil }
        self.minutes = (characters[0] == "-" ? -1 : 1) * (hours * 60 + minutes)
    }

    public var description: String {
        let sign = minutes < 0 ? "-" : "+"
        let magnitude = abs(minutes)
        return "\(sign)\(pad(magnitude / 60, 2)):\(pad(magnitude % 60, 2))"
    }

    private var offsetMilliseconds: Int64 { Int64(minutes) * 60_000 }

    /// The local calendar day an instant falls on.
    public func date(of instant: Timestamp) -> CalendarDate {
        let local = instant.millisecondsSinceEpoch + offsetMilliseconds
        return CalendarDate(daysSinceEpoch: Int(local.floorDivided(by: Self.millisecondsPerDay)))
    }

    /// The instant local midnight begins `date`.
    public func startOf(_ date: CalendarDate) -> Timestamp {
        Timestamp(millisecondsSinceEpoch: Int64(date.daysSinceEpoch) * Self.millisecondsPerDay - offsetMilliseconds)
    }

    static let millisecondsPerDay: Int64 = 86_400_000

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let offset = UTCOffset(parsing: text) else {
            throw DecodingError.dataCorrupted(
                .init(codingPath: decoder.codingPath, debugDescription: "must be an offset such as +08:00"))
        }
        self = offset
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

extension CalendarDate {
    /// The same day `months` months later, clamped to the end of a shorter month.
    public func addingMonths(_ months: Int) -> CalendarDate {
        let index = year * 12 + (month - 1) + months
        let newYear = index.floorDivided(by: 12)
        let newMonth = index - newYear * 12 + 1
        return CalendarDate(
            year: newYear, month: newMonth, day: min(day, CalendarDate.daysIn(month: newMonth, year: newYear)))
    }

    public func addingDays(_ days: Int) -> CalendarDate {
        CalendarDate(daysSinceEpoch: daysSinceEpoch + days)
    }

    /// This month and day in `year`; 29 February falls on the 28th in other years.
    public func sameDay(inYear year: Int) -> CalendarDate {
        CalendarDate(year: year, month: month, day: min(day, CalendarDate.daysIn(month: month, year: year)))
    }

    /// The first day of the month after this date's month.
    public var startOfNextMonth: CalendarDate {
        month == 12
            ? CalendarDate(year: year + 1, month: 1, day: 1) : CalendarDate(year: year, month: month + 1, day: 1)
    }

    /// `YYYY-MM`.
    public var monthString: String { "\(pad(year, 4))-\(pad(month, 2))" }
}

extension Int {
    func floorDivided(by divisor: Int) -> Int {
        let quotient = self / divisor
        return (self % divisor != 0 && (self < 0) != (divisor < 0)) ? quotient - 1 : quotient
    }
}
