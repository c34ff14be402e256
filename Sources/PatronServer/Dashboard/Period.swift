import Hummingbird
import PatronCore

/// The days a page reports on, from its `from` and `to` parameters (the last 30 days by default), and the period
/// of the same length just before it, which every change is measured against.
struct Period: Sendable, Hashable {
    var from: CalendarDate
    var to: CalendarDate

    static let longestDays = 3 * 366
    static let presets = [7, 30, 90, 365]

    var days: Int { to.daysSinceEpoch - from.daysSinceEpoch + 1 }

    var previous: Period {
        Period(from: from.addingDays(-days), to: from.addingDays(-1))
    }

    static func last(_ days: Int, endingOn today: CalendarDate) -> Period {
        Period(from: today.addingDays(1 - days), to: today)
    }

    /// The period the request asks for, or the last 30 days with `refused` true when what it asks for is not a
    /// period (unreadable, reversed, or longer than three years).
    static func read(_ request: Request, today: CalendarDate) -> (period: Period, refused: Bool) {
        let (fromText, toText) = (Form.query("from", in: request), Form.query("to", in: request))
        let fallback = last(30, endingOn: today)
        guard fromText != nil || toText != nil else { return (fallback, false) }
        guard let from = fromText.flatMap(CalendarDate.init(iso:)), let to = toText.flatMap(CalendarDate.init(iso:)),
            from <= to, to.daysSinceEpoch - from.daysSinceEpoch < longestDays
        else { return (fallback, true) }
        return (Period(from: from, to: to), false)
    }

    var query: String { "from=\(from.isoString)&to=\(to.isoString)" }
}
