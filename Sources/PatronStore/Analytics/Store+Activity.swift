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

    /// Points issued, redeemed, expired, reversed and adjusted in the local days `from` through `to`: summed days
    /// from ``ActivityRollups``, the rest from the journal.
    public func pointsFlow(from: PatronCore.CalendarDate, to: PatronCore.CalendarDate) async throws -> PointsFlow {
        let programs = self.programs
        return try await database.read { database in
            let (_, program) = try await programs.current(in: database)
            let live = Self.firstLiveDay(
                from: from, to: to, open: try await ActivityRollups.firstOpenDay(of: program, in: database))
            var sums =
                live > from
                ? try await ActivityRollups.points(from: from, through: live.addingDays(-1), in: database) : [:]
            guard live <= to else { return PointsFlow(sums: sums) }
            let rows = try await database.raw(
                """
                SELECT kind, CAST(SUM(points) AS BIGINT) AS points FROM point_entries
                WHERE created_at >= \(bind: program.utcOffset.startOf(live).millisecondsSinceEpoch)
                  AND created_at < \(bind: program.utcOffset.startOf(to.addingDays(1)).millisecondsSinceEpoch)
                GROUP BY kind
                """
            ).all()
            for row in rows {
                guard let kind = PointEntryKind(rawValue: try row.decode(column: "kind", as: String.self)) else {
                    continue
                }
                sums[kind, default: 0] += try row.decode(column: "points", as: Int64.self)
            }
            return PointsFlow(sums: sums)
        }
    }

    /// The points members hold now, spendable and pending: the sum of the whole journal, which the ledger keeps
    /// equal to the balances, from the summed days and today's entries.
    public func pointsOutstanding() async throws -> Int64 {
        let programs = self.programs
        return try await database.read { database in
            let (_, program) = try await programs.current(in: database)
            var summed: Int64 = 0
            var since = Int64.min
            if let open = try await ActivityRollups.firstOpenDay(of: program, in: database) {
                summed = try await ActivityRollups.points(before: open, in: database)
                since = program.utcOffset.startOf(open).millisecondsSinceEpoch
            }
            let live = try await database.raw(
                """
                SELECT CAST(COALESCE(SUM(points), 0) AS BIGINT) AS points FROM point_entries
                WHERE created_at >= \(bind: since)
                """
            ).first()
            return summed + (try live?.decode(column: "points", as: Int64.self) ?? 0)
        }
    }

    /// What members did in the local days `from` through `to` (the overview's figures): the days that are over
    /// from ``ActivityRollups``, the rest from their own orders through `orders_by_time`, and the members by when
    /// they joined. Its cost grows with the days not yet summed, not with the period or the history before it.
    public func periodActivity(
        from: PatronCore.CalendarDate, to: PatronCore.CalendarDate
    ) async throws -> PeriodActivity {
        let programs = self.programs
        return try await database.read { database in
            let (_, program) = try await programs.current(in: database)
            let open = try await ActivityRollups.firstOpenDay(of: program, in: database)
            let live = Self.firstLiveDay(from: from, to: to, open: open)
            var days: [DailySales] = []
            var customers = (purchasing: 0, repeating: 0)
            if live > from {
                let last = live.addingDays(-1)
                days = try await ActivityRollups.days(from: from, through: last, in: database)
                customers = try await ActivityRollups.customers(from: from, through: last, in: database)
            }
            if live <= to {
                days += try await Self.dailySales(from: live, to: to, program: program, in: database)
                let recent = try await Self.customers(
                    from: from, liveFrom: live, to: to, program: program, in: database)
                customers = (customers.purchasing + recent.purchasing, customers.repeating + recent.repeating)
            }
            return PeriodActivity(
                members: try await Self.members(through: to, open: open, program: program, in: database),
                purchasing: customers.purchasing, repeating: customers.repeating,
                days: Self.everyDay(from: from, to: to, of: days))
        }
    }

    /// The first day of `from` through `to` read from the orders and journal themselves: the first day not summed
    /// (`open`), or `from` when nothing is summed or the period is longer than the sums serve.
    private static func firstLiveDay(
        from: PatronCore.CalendarDate, to: PatronCore.CalendarDate, open: PatronCore.CalendarDate?
    ) -> PatronCore.CalendarDate {
        guard to.daysSinceEpoch - from.daysSinceEpoch <= ActivityRollups.longestGapDays, let open else { return from }
        return min(max(from, open), to.addingDays(1))
    }

    /// Members who ordered in the days `live` through `to`, counted as members of the period from `from`: new to
    /// it unless they ordered in its summed days before `live`, repeating once they have two orders in it.
    private static func customers(
        from: PatronCore.CalendarDate, liveFrom live: PatronCore.CalendarDate, to: PatronCore.CalendarDate,
        program: LoyaltyProgram, in database: any SQLDatabase
    ) async throws -> (purchasing: Int, repeating: Int) {
        let currency = program.currency.code
        let liveStart = program.utcOffset.startOf(live).millisecondsSinceEpoch
        let before: SQLQueryString =
            live > from
            ? """
            (SELECT COUNT(*) FROM orders p WHERE p.member_id = o.member_id AND p.currency = \(bind: currency)
               AND p.occurred_at >= \(bind: program.utcOffset.startOf(from).millisecondsSinceEpoch)
               AND p.occurred_at < \(bind: liveStart))
            """ : "0"
        let row = try await database.raw(
            """
            SELECT CAST(COALESCE(SUM(CASE WHEN earlier = 0 THEN 1 ELSE 0 END), 0) AS BIGINT) AS purchasing,
                   CAST(COALESCE(SUM(CASE WHEN earlier < 2 AND earlier + orders >= 2 THEN 1 ELSE 0 END), 0) AS BIGINT)
                     AS repeating
            FROM (SELECT o.member_id, COUNT(*) AS orders, \(before) AS earlier FROM orders o
                  WHERE o.occurred_at >= \(bind: liveStart)
                    AND o.occurred_at < \(bind: program.utcOffset.startOf(to.addingDays(1)).millisecondsSinceEpoch)
                    AND o.currency = \(bind: currency)
                  GROUP BY o.member_id) AS customers
            """
        ).first()
        return (
            Int(try row?.decode(column: "purchasing", as: Int64.self) ?? 0),
            Int(try row?.decode(column: "repeating", as: Int64.self) ?? 0)
        )
    }

    /// Members who joined or ordered (imported history may be older than the member) by the end of `to`: those
    /// who entered on the summed days before `open` from their sums, the rest from the members who joined since.
    private static func members(
        through to: PatronCore.CalendarDate, open: PatronCore.CalendarDate?, program: LoyaltyProgram,
        in database: any SQLDatabase
    ) async throws -> Int {
        var summed = 0
        var start = Int64.min
        if let open {
            let end = min(open, to.addingDays(1))
            summed = try await ActivityRollups.members(before: end, in: database)
            guard end <= to else { return summed }
            start = program.utcOffset.startOf(end).millisecondsSinceEpoch
        }
        let cutoff = program.utcOffset.startOf(to.addingDays(1)).millisecondsSinceEpoch
        // Entered in [start, cutoff): joined since `start` with no order before it, and joined or ordered by the end.
        let row = try await database.raw(
            """
            SELECT CAST(COUNT(*) AS BIGINT) AS members FROM members m
            WHERE m.joined_at >= \(bind: start)
              AND NOT EXISTS (SELECT 1 FROM orders o WHERE o.member_id = m.id AND o.occurred_at < \(bind: start))
              AND (m.joined_at < \(bind: cutoff)
                   OR EXISTS (SELECT 1 FROM orders o WHERE o.member_id = m.id AND o.occurred_at < \(bind: cutoff)))
            """
        ).first()
        return summed + Int(try row?.decode(column: "members", as: Int64.self) ?? 0)
    }

    /// Every day from `from` through `to`, those missing from `days` with nothing sold.
    private static func everyDay(
        from: PatronCore.CalendarDate, to: PatronCore.CalendarDate, of days: [DailySales]
    ) -> [DailySales] {
        let byDay = Dictionary(days.map { ($0.day, $0) }, uniquingKeysWith: { first, _ in first })
        return (from.daysSinceEpoch...max(from.daysSinceEpoch, to.daysSinceEpoch)).map { number in
            let day = PatronCore.CalendarDate(daysSinceEpoch: number)
            return byDay[day] ?? DailySales(day: day, orders: 0, revenueMinor: 0, customers: 0)
        }
    }

    /// The days with orders among `from` through `to`: their orders, customers and revenue less what was refunded
    /// of those orders.
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
        return try rows.map { row in
            let number = Int(try row.decode(column: "day", as: Int64.self))
            return DailySales(
                day: PatronCore.CalendarDate(daysSinceEpoch: number),
                orders: Int(try row.decode(column: "orders", as: Int64.self)),
                revenueMinor: try row.decode(column: "revenue", as: Int64.self) - refunded[number, default: 0],
                customers: Int(try row.decode(column: "customers", as: Int64.self)))
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
