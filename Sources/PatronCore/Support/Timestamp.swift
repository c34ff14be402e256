/// An instant in UTC with millisecond precision, stored as milliseconds since 1970-01-01T00:00:00Z.
///
/// Kept as an integer so both database engines store and compare it the same way.
public struct Timestamp: Sendable, Hashable, Comparable, Codable {
    public var millisecondsSinceEpoch: Int64

    public init(millisecondsSinceEpoch: Int64) {
        self.millisecondsSinceEpoch = millisecondsSinceEpoch
    }

    public static func < (lhs: Timestamp, rhs: Timestamp) -> Bool {
        lhs.millisecondsSinceEpoch < rhs.millisecondsSinceEpoch
    }

    /// Parses RFC 3339, e.g. `2026-11-01T10:15:00Z` or `2026-11-01T18:15:00.250+08:00`.
    public init?(rfc3339 text: String) {
        let bytes = Array(text.utf8)
        func digits(_ start: Int, _ count: Int) -> Int? {
            guard start + count <= bytes.count else { return nil }
            var value = 0
            for byte in bytes[start..<start + count] {
                guard byte >= 48, byte <= 57 else { return nil }
                value = value * 10 + Int(byte - 48)
            }
            return value
        }
        // At most 64 characters, as the API's document states: the fraction could otherwise run on.
        guard bytes.count >= 20, bytes.count <= 64,
            let year = digits(0, 4), bytes[4] == 45, let month = digits(5, 2), bytes[7] == 45,
            let day = digits(8, 2), bytes[10] == 84 || bytes[10] == 116 || bytes[10] == 32,
            let hour = digits(11, 2), bytes[13] == 58, let minute = digits(14, 2), bytes[16] == 58,
            let second = digits(17, 2),
            CalendarDate.isValid(year: year, month: month, day: day), hour < 24, minute < 60, second < 61
        else { return nil }
        var index = 19
        var milliseconds = 0
        if index < bytes.count, bytes[index] == 46 {
            index += 1
            var scale = 100
            let fractionStart = index
            while index < bytes.count, bytes[index] >= 48, bytes[index] <= 57 {
                milliseconds += Int(bytes[index] - 48) * scale
                scale /= 10
                index += 1
            }
            guard index > fractionStart else { return nil }
        }
        guard index < bytes.count else { return nil }
        var offsetSeconds = 0
        switch bytes[index] {
        case 90, 122:  // Z
            guard index + 1 == bytes.count else { return nil }
        case 43, 45:  // + or -
            guard index + 6 == bytes.count, let offsetHours = digits(index + 1, 2), bytes[index + 3] == 58,
                let offsetMinutes = digits(index + 4, 2), offsetHours < 24, offsetMinutes < 60
            else { return nil }
            offsetSeconds = (offsetHours * 3600 + offsetMinutes * 60) * (bytes[index] == 45 ? -1 : 1)
        default:
            return nil
        }
        let days = CalendarDate(year: year, month: month, day: day).daysSinceEpoch
        let seconds = Int64(days) * 86_400 + Int64(hour * 3600 + minute * 60 + min(second, 59)) - Int64(offsetSeconds)
        self.millisecondsSinceEpoch = seconds * 1000 + Int64(milliseconds)
    }

    /// RFC 3339 in UTC; milliseconds are written only when present.
    public var rfc3339: String {
        let totalSeconds = millisecondsSinceEpoch.floorDivided(by: 1000)
        let milliseconds = Int(millisecondsSinceEpoch - totalSeconds * 1000)
        let days = Int(totalSeconds.floorDivided(by: 86_400))
        let secondOfDay = Int(totalSeconds - Int64(days) * 86_400)
        let date = CalendarDate(daysSinceEpoch: days)
        var text =
            "\(date.isoString)T\(pad(secondOfDay / 3600, 2)):\(pad(secondOfDay / 60 % 60, 2)):\(pad(secondOfDay % 60, 2))"
        if milliseconds != 0 { text += ".\(pad(milliseconds, 3))" }
        return text + "Z"
    }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let value = Timestamp(rfc3339: text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "not RFC 3339"))
        }
        self = value
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rfc3339)
    }
}

extension Int64 {
    /// Division rounding towards negative infinity, so instants before 1970 fall on the right day.
    func floorDivided(by divisor: Int64) -> Int64 {
        let quotient = self / divisor
        return (self % divisor != 0 && (self < 0) != (divisor < 0)) ? quotient - 1 : quotient
    }
}

func pad(_ value: Int, _ width: Int) -> String {
    let text = String(value)
    return text.count >= width ? text : String(repeating: "0", count: width - text.count) + text
}
