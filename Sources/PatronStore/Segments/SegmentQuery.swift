import PatronCore
import SQLKit

/// A segment's rule as one SQL statement over the members: each condition a join to its fact (aggregated once
/// for every member) and a predicate that is never NULL, the groups AND, OR and NOT. The database does the whole
/// evaluation and sends back only the matching ids; moving a million members' facts out to combine them costs more
/// than the database takes to combine them. Conditions on what SQL cannot compute (RFM segment, lifecycle stage,
/// P(alive), profile attributes) arrive as the ids that hold, found beforehand (`precomputed`).
struct SegmentQuery {
    let now: Int64
    let program: LoyaltyProgram
    let isPostgres: Bool
    /// The members each condition SQL cannot evaluate holds for.
    let precomputed: [SegmentCondition: [String]]
    private(set) var joins: [SQLQueryString] = []
    private var aliases: [SegmentCondition: String] = [:]

    init(now: Int64, program: LoyaltyProgram, isPostgres: Bool, precomputed: [SegmentCondition: [String]]) {
        self.now = now
        self.program = program
        self.isPostgres = isPostgres
        self.precomputed = precomputed
    }

    static let day: Int64 = 86_400_000

    /// The ids of the members `rule` selects, in byte order.
    mutating func statement(_ rule: SegmentRule) -> SQLQueryString {
        let predicate = self.predicate(rule)
        let order: SQLQueryString = isPostgres ? "m.id COLLATE \"C\"" : "m.id"
        return """
            SELECT m.id AS member_id FROM members m LEFT JOIN member_tiers t ON t.member_id = m.id \
            \(SQLList(joins, separator: SQLRaw(" ")))
            WHERE m.erased_at IS NULL AND \(predicate) ORDER BY \(order)
            """
    }

    private mutating func predicate(_ rule: SegmentRule) -> SQLQueryString {
        switch rule {
        case .all(let rules):
            guard !rules.isEmpty else { return "1 = 1" }
            let parts = rules.map { predicate($0) }
            return "(\(SQLList(parts, separator: SQLRaw(" AND "))))"
        case .any(let rules):
            guard !rules.isEmpty else { return "1 = 0" }
            let parts = rules.map { predicate($0) }
            return "(\(SQLList(parts, separator: SQLRaw(" OR "))))"
        case .not(let rule):
            return "NOT " + predicate(rule)
        case .condition(let condition):
            return self.condition(condition)
        }
    }

    private mutating func condition(_ condition: SegmentCondition) -> SQLQueryString {
        if let ids = precomputed[condition] { return among(ids) }
        let day = Self.day
        func since(_ days: Int?) -> SQLQueryString {
            days.map { " AND occurred_at >= \(bind: now - Int64($0) * day)" } ?? ""
        }
        switch condition {
        case .tier(let tiers):
            // The tier a member holds: the lowest until a first change, or when the program dropped theirs.
            let known = SQLList(program.tiers.levels.map { SQLBind($0.tierID) })
            return """
                (CASE WHEN t.tier_id IN (\(known)) THEN t.tier_id ELSE \(bind: program.tiers.lowest.tierID) END \
                IN (\(SQLList(tiers.sorted().map { SQLBind($0) }))))
                """
        case .daysSinceJoined(let range):
            return Self.within(range, "((\(bind: now) - m.joined_at) / \(unsafeRaw: String(day)))")
        case .pointsAvailable(let range):
            let alias = join(condition, "SELECT member_id, available AS value FROM point_balances")
            return Self.within(range, "COALESCE(\(unsafeRaw: alias).value, 0)")
        case .pointsExpiring(let days, let range):
            let alias = join(
                condition,
                """
                SELECT member_id, SUM(remaining) AS value FROM point_lots
                WHERE status = 'active' AND remaining > 0 AND expires_at IS NOT NULL
                  AND expires_at <= \(bind: now + Int64(days) * day)
                GROUP BY member_id
                """)
            return Self.within(range, "COALESCE(\(unsafeRaw: alias).value, 0)")
        case .daysSinceLastOrder(let range):
            let alias = join(condition, "SELECT member_id, MAX(occurred_at) AS value FROM orders GROUP BY member_id")
            return """
                (\(unsafeRaw: alias).value IS NOT NULL AND \
                \(Self.within(range, "((\(bind: now) - \(unsafeRaw: alias).value) / \(unsafeRaw: String(day)))")))
                """
        case .orders(let days, let range):
            let alias = join(
                condition,
                "SELECT member_id, COUNT(*) AS value FROM orders WHERE 1 = 1\(since(days)) GROUP BY member_id")
            return Self.within(range, "COALESCE(\(unsafeRaw: alias).value, 0)")
        case .spend(let days, let range):
            let alias = join(
                condition,
                """
                SELECT member_id, SUM(total_minor) AS value FROM orders
                WHERE currency = \(bind: program.currency.code)\(since(days)) GROUP BY member_id
                """)
            return Self.within(range, "COALESCE(\(unsafeRaw: alias).value, 0)")
        case .boughtAt(let stores, let days):
            let alias = join(
                condition,
                """
                SELECT DISTINCT member_id FROM orders
                WHERE store_id IN (\(SQLList(stores.sorted().map { SQLBind($0) })))\(since(days))
                """)
            return "(\(unsafeRaw: alias).member_id IS NOT NULL)"
        case .boughtThrough(let channels, let days):
            let alias = join(
                condition,
                """
                SELECT DISTINCT member_id FROM orders
                WHERE channel IN (\(SQLList(channels.map(\.rawValue).sorted().map { SQLBind($0) })))\(since(days))
                """)
            return "(\(unsafeRaw: alias).member_id IS NOT NULL)"
        case .consent(let purpose, let channel):
            let alias = join(
                condition,
                """
                SELECT member_id FROM member_consents
                WHERE purpose = \(bind: purpose.rawValue) AND channel = \(bind: channel?.rawValue ?? "")
                  AND state = \(bind: ConsentState.granted.rawValue)
                """)
            return "(\(unsafeRaw: alias).member_id IS NOT NULL)"
        case .openTickets(let range):
            let alias = join(
                condition,
                """
                SELECT member_id, COUNT(*) AS value FROM tickets
                WHERE member_id IS NOT NULL AND state IN ('open', 'pending') GROUP BY member_id
                """)
            return Self.within(range, "COALESCE(\(unsafeRaw: alias).value, 0)")
        case .attribute, .rfmSegment, .lifecycleStage, .probabilityAlive:
            return among([])
        }
    }

    /// Joins a condition's fact once, however often the rule names the condition; answers its alias.
    private mutating func join(_ condition: SegmentCondition, _ query: SQLQueryString) -> String {
        if let alias = aliases[condition] { return alias }
        let alias = "f\(aliases.count)"
        aliases[condition] = alias
        joins.append(
            "LEFT JOIN (\(query)) AS \(unsafeRaw: alias) ON \(unsafeRaw: alias).member_id = m.id")
        return alias
    }

    /// The member is one of `ids`: a text array on PostgreSQL, a JSON array on SQLite.
    private func among(_ ids: [String]) -> SQLQueryString {
        guard !ids.isEmpty else { return "(1 = 0)" }
        if isPostgres { return "(m.id = ANY(\(bind: ids)))" }
        let json = "[" + ids.map { "\"\($0.jsonEscaped)\"" }.joined(separator: ",") + "]"
        return "(m.id IN (SELECT value FROM json_each(\(bind: json))))"
    }

    /// `min` ≤ value ≤ `max` in SQL; the range's open ends are left out.
    private static func within(_ range: NumberRange, _ value: SQLQueryString) -> SQLQueryString {
        var parts: [SQLQueryString] = []
        if let min = range.min { parts.append(value + " >= \(bind: min)") }
        if let max = range.max { parts.append(value + " <= \(bind: max)") }
        guard !parts.isEmpty else { return "(1 = 1)" }
        return "(\(SQLList(parts, separator: SQLRaw(" AND "))))"
    }
}

extension String {
    /// The string's characters as they go between quotes in JSON.
    fileprivate var jsonEscaped: String {
        var escaped = ""
        for scalar in unicodeScalars {
            switch scalar {
            case "\"": escaped += "\\\""
            case "\\": escaped += "\\\\"
            case _ where scalar.value < 0x20:
                escaped += (scalar.value < 0x10 ? "\\u000" : "\\u00") + String(scalar.value, radix: 16)
            default: escaped.unicodeScalars.append(scalar)
            }
        }
        return escaped
    }
}
