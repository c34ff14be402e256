import PatronCore
import SQLKit

/// One local day of orders in the program's currency.
public struct DailySales: Sendable, Hashable {
    public var day: PatronCore.CalendarDate
    public var orders: Int
    /// Net of refunds of those orders.
    public var revenueMinor: Int64
    /// Members who ordered that day.
    public var customers: Int
}

/// What members did in a period, for the overview.
public struct PeriodActivity: Sendable, Hashable {
    /// Members who had joined or ordered by the end of the period.
    public var members: Int
    /// Members who ordered in the period, and those who ordered at least twice.
    public var purchasing: Int
    public var repeating: Int
    /// Every day of the period.
    public var days: [DailySales]

    public var orders: Int { days.reduce(0) { $0 + $1.orders } }
    /// Net of refunds of the period's orders.
    public var revenueMinor: Int64 { days.reduce(0) { $0 + $1.revenueMinor } }
    /// Of the members who ordered, the share who ordered again; nil when nobody ordered.
    public var repurchaseRate: Double? { purchasing > 0 ? Double(repeating) / Double(purchasing) : nil }
}

/// Members who moved up or down the tiers in one local month.
public struct TierMovements: Sendable, Hashable {
    /// The month's first day.
    public var month: PatronCore.CalendarDate
    public var up: Int
    public var down: Int
}

extension Store {
    /// Moves up and down the tiers in each of the `months` local months ending with the month of `last`, oldest
    /// first, months without moves included.
    public func tierMovements(months: Int, endingWith last: PatronCore.CalendarDate) async throws -> [TierMovements] {
        let programs = self.programs
        return try await database.read { database in
            let (_, program) = try await programs.current(in: database)
            let first = PatronCore.CalendarDate(year: last.year, month: last.month, day: 1).addingMonths(1 - months)
            let end = PatronCore.CalendarDate(year: last.year, month: last.month, day: 1).addingMonths(1)
            var moves = (0..<months).map { TierMovements(month: first.addingMonths($0), up: 0, down: 0) }
            // Grouped by day in SQL (a few rows per day), into months here.
            let rows = try await database.raw(
                """
                SELECT \(AnalyticsQueries.localDay(offset: program.utcOffset, of: "changed_at")) AS day, from_tier,
                       to_tier, COUNT(*) AS moves
                FROM tier_changes
                WHERE changed_at >= \(bind: program.utcOffset.startOf(first).millisecondsSinceEpoch)
                  AND changed_at < \(bind: program.utcOffset.startOf(end).millisecondsSinceEpoch)
                GROUP BY day, from_tier, to_tier
                """
            ).all()
            for row in rows {
                let day = PatronCore.CalendarDate(daysSinceEpoch: Int(try row.decode(column: "day", as: Int64.self)))
                let index = (day.year - first.year) * 12 + day.month - first.month
                let count = Int(try row.decode(column: "moves", as: Int64.self))
                switch program.tiers.direction(
                    from: try row.decode(column: "from_tier", as: String?.self),
                    to: try row.decode(column: "to_tier", as: String.self))
                {
                case 1: moves[index].up += count
                case -1: moves[index].down += count
                default: break
                }
            }
            return moves
        }
    }

    /// The program's local date now.
    public func today() async throws -> PatronCore.CalendarDate {
        let (_, program) = try await program()
        return program.utcOffset.date(of: clock.now)
    }

    /// Points issued, redeemed, expired, reversed and adjusted in the local days `from` through `to`.
    public func pointsFlow(from: PatronCore.CalendarDate, to: PatronCore.CalendarDate) async throws -> PointsFlow {
        let programs = self.programs
        return try await database.read { database in
            let (_, program) = try await programs.current(in: database)
            let start = program.utcOffset.startOf(from).millisecondsSinceEpoch
            let end = program.utcOffset.startOf(to.addingDays(1)).millisecondsSinceEpoch
            let rows = try await database.raw(
                """
                SELECT kind, CAST(SUM(points) AS BIGINT) AS points FROM point_entries
                WHERE created_at >= \(bind: start) AND created_at < \(bind: end) GROUP BY kind
                """
            ).all()
            var sums: [PointEntryKind: Int64] = [:]
            for row in rows {
                guard let kind = PointEntryKind(rawValue: try row.decode(column: "kind", as: String.self)) else {
                    continue
                }
                sums[kind] = try row.decode(column: "points", as: Int64.self)
            }
            return PointsFlow(sums: sums)
        }
    }

    /// Every local day from `from` through `to`, days without orders included.
    public func dailySales(from: PatronCore.CalendarDate, to: PatronCore.CalendarDate) async throws -> [DailySales] {
        let programs = self.programs
        return try await database.read { database in
            let (_, program) = try await programs.current(in: database)
            return try await Self.dailySales(from: from, to: to, program: program, in: database)
        }
    }

    /// What members did in the local days `from` through `to` (the overview's figures), read from the period's
    /// orders alone through `orders_by_time`, and from the members by when they joined: its cost grows with the
    /// period's orders, not with the history before it.
    public func periodActivity(
        from: PatronCore.CalendarDate, to: PatronCore.CalendarDate
    ) async throws -> PeriodActivity {
        let programs = self.programs
        return try await database.read { database in
            let (_, program) = try await programs.current(in: database)
            let start = program.utcOffset.startOf(from).millisecondsSinceEpoch
            let cutoff = program.utcOffset.startOf(to.addingDays(1)).millisecondsSinceEpoch
            let customers = try await database.raw(
                """
                SELECT CAST(COUNT(*) AS BIGINT) AS purchasing,
                       CAST(COALESCE(SUM(CASE WHEN orders >= 2 THEN 1 ELSE 0 END), 0) AS BIGINT) AS repeating
                FROM (SELECT member_id, COUNT(*) AS orders FROM orders
                      WHERE occurred_at >= \(bind: start) AND occurred_at < \(bind: cutoff)
                        AND currency = \(bind: program.currency.code)
                      GROUP BY member_id) AS customers
                """
            ).first()
            // Members who joined by the end, and those who joined later but ordered before it (imported history).
            let members = try await database.raw(
                """
                SELECT (SELECT CAST(COUNT(*) AS BIGINT) FROM members WHERE joined_at < \(bind: cutoff))
                     + (SELECT CAST(COUNT(*) AS BIGINT) FROM members m WHERE m.joined_at >= \(bind: cutoff)
                          AND EXISTS (SELECT 1 FROM orders o WHERE o.member_id = m.id AND o.occurred_at < \(bind: cutoff)))
                       AS members
                """
            ).first()
            return PeriodActivity(
                members: Int(try members?.decode(column: "members", as: Int64.self) ?? 0),
                purchasing: Int(try customers?.decode(column: "purchasing", as: Int64.self) ?? 0),
                repeating: Int(try customers?.decode(column: "repeating", as: Int64.self) ?? 0),
                days: try await Self.dailySales(from: from, to: to, program: program, in: database))
        }
    }

    /// The days' orders, customers and revenue less what was refunded of those orders.
    static func dailySales(
        from: PatronCore.CalendarDate, to: PatronCore.CalendarDate, program: LoyaltyProgram,
        in database: any SQLDatabase
    ) async throws -> [DailySales] {
        let start = program.utcOffset.startOf(from).millisecondsSinceEpoch
        let end = program.utcOffset.startOf(to.addingDays(1)).millisecondsSinceEpoch
        let day = AnalyticsQueries.localDay(offset: program.utcOffset, of: "o.occurred_at")
        let period: SQLQueryString = """
            o.occurred_at >= \(bind: start) AND o.occurred_at < \(bind: end) AND o.currency = \(bind: program.currency.code)
            """
        let rows = try await database.raw(
            """
            SELECT \(day) AS day, COUNT(*) AS orders, COUNT(DISTINCT o.member_id) AS customers,
                   CAST(SUM(o.total_minor) AS BIGINT) AS revenue
            FROM orders o WHERE \(period) GROUP BY \(day)
            """
        ).all()
        // Refunds are few: summed by their order's day apart, rather than looked up for every order.
        let refunds = try await database.raw(
            """
            SELECT \(day) AS day, CAST(SUM(r.amount_minor) AS BIGINT) AS refunded
            FROM refunds r JOIN orders o ON o.order_id = r.order_id WHERE \(period) GROUP BY \(day)
            """
        ).all()
        var refunded: [Int: Int64] = [:]
        for row in refunds {
            refunded[Int(try row.decode(column: "day", as: Int64.self))] = try row.decode(
                column: "refunded", as: Int64.self)
        }
        var byDay: [Int: DailySales] = [:]
        for row in rows {
            let number = Int(try row.decode(column: "day", as: Int64.self))
            byDay[number] = DailySales(
                day: PatronCore.CalendarDate(daysSinceEpoch: number),
                orders: Int(try row.decode(column: "orders", as: Int64.self)),
                revenueMinor: try row.decode(column: "revenue", as: Int64.self) - refunded[number, default: 0],
                customers: Int(try row.decode(column: "customers", as: Int64.self)))
        }
        return (from.daysSinceEpoch...max(from.daysSinceEpoch, to.daysSinceEpoch)).map { number in
            byDay[number]
                ?? DailySales(
                    day: PatronCore.CalendarDate(daysSinceEpoch: number), orders: 0, revenueMinor: 0, customers: 0)
        }
    }
}

extension Store {
    /// How many members hold each tier now, by tier id.
    public func membersPerTier() async throws -> [String: Int] {
        let rows = try await database.read {
            try await $0.raw("SELECT tier_id, COUNT(*) AS members FROM member_tiers GROUP BY tier_id").all()
        }
        var counts: [String: Int] = [:]
        for row in rows {
            counts[try row.decode(column: "tier_id", as: String.self)] = Int(
                try row.decode(column: "members", as: Int64.self))
        }
        return counts
    }
}
