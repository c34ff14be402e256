/// A day in the proleptic Gregorian calendar, without a time of day or time zone.
///
/// Analytics work in whole days, so this small type replaces a date library: it converts to a day number for
/// arithmetic and parses the date formats found in exported order files.
public struct CalendarDate: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    /// The year, e.g. 1997.
    public let year: Int
    /// The month, 1…12.
    public let month: Int
    /// The day of the month, 1…31.
    public let day: Int

    /// Creates a date, or returns nil when the day does not exist.
    public init?(year: Int, month: Int, day: Int) {
        guard (1...12).contains(month), day >= 1, day <= Self.daysInMonth(year: year, month: month) else {
            return nil
        }
        self.year = year
        self.month = month
        self.day = day
    }

    /// Creates the date with the given number of days since 1970-01-01.
    public init(daysSinceEpoch: Int) {
        // Howard Hinnant's civil_from_days.
        let shifted = daysSinceEpoch + 719_468
        let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        self.year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        self.month = month
        self.day = day
    }

    /// Days since 1970-01-01 (negative before).
    public var daysSinceEpoch: Int {
        // Howard Hinnant's days_from_civil.
        let adjustedYear = month <= 2 ? year - 1 : year
        let era = (adjustedYear >= 0 ? adjustedYear : adjustedYear - 399) / 400
        let yearOfEra = adjustedYear - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// Months since January 1970, for grouping by calendar month.
    public var monthIndex: Int { (year - 1970) * 12 + (month - 1) }

    /// The number of days from `self` to `other` (positive when `other` is later).
    public func days(to other: CalendarDate) -> Int { other.daysSinceEpoch - daysSinceEpoch }

    /// The ISO 8601 form, YYYY-MM-DD.
    public var description: String {
        func padded(_ value: Int, _ width: Int) -> String {
            let digits = String(value)
            return String(repeating: "0", count: max(0, width - digits.count)) + digits
        }
        return "\(padded(year, 4))-\(padded(month, 2))-\(padded(day, 2))"
    }

    public static func < (left: CalendarDate, right: CalendarDate) -> Bool {
        (left.year, left.month, left.day) < (right.year, right.month, right.day)
    }

    static func daysInMonth(year: Int, month: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }
}

extension CalendarDate {
    /// Parses YYYY-MM-DD, YYYYMMDD, or an RFC 3339 timestamp (whose date part is used as written).
    ///
    /// Leading and trailing spaces are ignored. Returns nil for anything else or for a day that does not exist.
    public init?(parsing text: some StringProtocol) {
        let bytes = Array(text.utf8)
        var start = 0
        var end = bytes.count
        while start < end, bytes[start] == 0x20 || bytes[start] == 0x09 { start += 1 }
        while end > start, bytes[end - 1] == 0x20 || bytes[end - 1] == 0x09 { end -= 1 }
        guard let date = bytes.withUnsafeBufferPointer({ CalendarDate(trimmedUTF8: .init(rebasing: $0[start..<end])) })
        else { return nil }
        self = date
    }

    /// Parses the UTF-8 bytes of a date without surrounding spaces; see ``init(parsing:)``.
    init?(trimmedUTF8 bytes: UnsafeBufferPointer<UInt8>) {
        func number(_ range: Range<Int>) -> Int? {
            var value = 0
            for index in range {
                let byte = bytes[index]
                guard byte >= 0x30, byte <= 0x39 else { return nil }
                value = value * 10 + Int(byte - 0x30)
            }
            return value
        }
        let year: Int?
        let month: Int?
        let day: Int?
        if bytes.count == 8 {
            (year, month, day) = (number(0..<4), number(4..<6), number(6..<8))
        } else if bytes.count >= 10, bytes[4] == 0x2D, bytes[7] == 0x2D {
            // A timestamp continues with 'T', 't' or a space after the date.
            if bytes.count > 10, bytes[10] != 0x54, bytes[10] != 0x74, bytes[10] != 0x20 { return nil }
            (year, month, day) = (number(0..<4), number(5..<7), number(8..<10))
        } else {
            return nil
        }
        guard let year, let month, let day else { return nil }
        self.init(year: year, month: month, day: day)
    }
}
