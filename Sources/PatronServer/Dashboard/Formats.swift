import Foundation
import PatronCore

/// Numbers, money, dates and changes as people read them in each language: grouped digits, ¥ before the amount,
/// and in Chinese large counts in 万 and 亿 on tiles, where a glance matters more than the last digit (tables keep
/// every digit).
struct Formats: Sendable {
    let language: Language

    /// Every digit, grouped by thousands: 1,234,567.
    func exact(_ value: Int64) -> String {
        let digits = String(value.magnitude)
        var grouped = ""
        for (index, digit) in digits.enumerated() {
            if index > 0 && (digits.count - index) % 3 == 0 { grouped += "," }
            grouped.append(digit)
        }
        return (value < 0 ? "−" : "") + grouped
    }

    func exact(_ value: Int) -> String { exact(Int64(value)) }

    /// For a tile: in Chinese 1.2万 and 3.4亿 from ten thousand up, otherwise every digit.
    func compact(_ value: Int64) -> String {
        let magnitude = Double(value.magnitude)
        guard language == .zh, magnitude >= 10_000 else { return exact(value) }
        let (scaled, unit) = magnitude >= 100_000_000 ? (magnitude / 100_000_000, "亿") : (magnitude / 10_000, "万")
        return (value < 0 ? "−" : "") + Self.trimmed(scaled, digits: scaled >= 100 ? 0 : 1) + unit
    }

    func compact(_ value: Int) -> String { compact(Int64(value)) }

    /// An amount in minor units with the currency's sign and every digit: ¥1,234.50, −¥3.00.
    func money(_ minor: Int64, _ currency: Currency) -> String {
        let scale = UInt64(pow(10, Double(currency.minorUnitDigits)))
        let sign = minor < 0 ? "−" : ""
        let whole = sign + Self.sign(currency) + exact(Int64(minor.magnitude / scale))
        guard currency.minorUnitDigits > 0 else { return whole }
        let fraction = String(minor.magnitude % scale)
        return whole + "." + String(repeating: "0", count: currency.minorUnitDigits - fraction.count) + fraction
    }

    /// An amount for a tile: whole units, in Chinese in 万 from ten thousand up.
    func compactMoney(_ minor: Int64, _ currency: Currency) -> String {
        let scale = UInt64(pow(10, Double(currency.minorUnitDigits)))
        let units = Int64((minor.magnitude + scale / 2) / scale)
        return (minor < 0 ? "−" : "") + Self.sign(currency) + compact(units)
    }

    /// A ratio as a percentage with one decimal, or a dash when there is none.
    func percent(_ ratio: Double?) -> String {
        guard let ratio, ratio.isFinite else { return "—" }
        return Self.trimmed(ratio * 100, digits: 1) + "%"
    }

    /// A month: 2026年11月, Nov 2026.
    func month(year: Int, month: Int) -> String {
        language == .zh ? "\(year)年\(month)月" : "\(Self.months[month - 1]) \(year)"
    }

    /// A date in full: 2026年11月30日, 30 Nov 2026.
    func date(_ date: CalendarDate) -> String {
        switch language {
        case .zh: "\(date.year)年\(date.month)月\(date.day)日"
        case .en: "\(date.day) \(Self.months[date.month - 1]) \(date.year)"
        }
    }

    /// A date on a chart's axis: 11月30日, 30 Nov.
    func shortDate(_ date: CalendarDate) -> String {
        switch language {
        case .zh: "\(date.month)月\(date.day)日"
        case .en: "\(date.day) \(Self.months[date.month - 1])"
        }
    }

    /// An instant in the program's time zone, to the minute: 2026-11-30 14:05.
    func instant(_ instant: Timestamp, offset: UTCOffset) -> String {
        let date = offset.date(of: instant)
        let minutes = (instant.millisecondsSinceEpoch / 60_000 + Int64(offset.minutes)) % 1_440
        let clock = String(format: "%02d:%02d", Int((minutes + 1_440) % 1_440 / 60), Int((minutes + 1_440) % 60))
        return date.isoString + " " + clock
    }

    static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    static func sign(_ currency: Currency) -> String {
        switch currency.code {
        case "CNY", "JPY": "¥"
        case "USD": "$"
        case "EUR": "€"
        case "GBP": "£"
        case "HKD": "HK$"
        default: currency.code + " "
        }
    }

    /// `value` with at most `digits` decimals and no trailing zeros.
    static func trimmed(_ value: Double, digits: Int) -> String {
        var text = String(format: "%.\(digits)f", value)
        if text.contains(".") {
            while text.hasSuffix("0") { text.removeLast() }
            if text.hasSuffix(".") { text.removeLast() }
        }
        return text
    }
}
