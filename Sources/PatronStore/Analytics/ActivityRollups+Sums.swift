import PatronCore
import SQLKit

extension ActivityRollups {
    /// The sums of a run of days, computed from the orders and the journal, and read back.
    struct Sums {
        /// Days with orders or members entering.
        var days: [Int64: Day] = [:]
        var points: [PointKey: Int64] = [:]
        /// Orders by day, by which earlier order (1: the previous, 2: the one before) and by the days since it;
        /// `noEarlierOrder` when there was none within ``longestGapDays``.
        var gaps: [GapKey: Int64] = [:]

        struct Day {
            var sales: DailySales
            /// Members whose first day (of joining or of ordering, whichever came first) it was.
            var entered: Int64 = 0
        }

        struct PointKey: Hashable {
            var day: Int64
            var kind: String
        }

        struct GapKey: Hashable {
            var day: Int64
            var nth: Int64
            var gapDays: Int64
        }

        static let noEarlierOrder: Int64 = -1

        static func compute(
            from first: CalendarDate, through last: CalendarDate, program: LoyaltyProgram, in database: any SQLDatabase
        ) async throws -> Sums {
            var sums = Sums()
            guard first <= last else { return sums }
            for sales in try await Store.dailySales(from: first, to: last, program: program, in: database) {
                sums.days[Int64(sales.day.daysSinceEpoch)] = Day(sales: sales)
            }
            let start = program.utcOffset.startOf(first).millisecondsSinceEpoch
            let end = program.utcOffset.startOf(last.addingDays(1)).millisecondsSinceEpoch
            for (day, entered) in try await entries(from: start, to: end, program: program, in: database) {
                let date = CalendarDate(daysSinceEpoch: Int(day))
                sums.days[day, default: Day(sales: DailySales(day: date, orders: 0, revenueMinor: 0, customers: 0))]
                    .entered = entered
            }
            let entryDay = AnalyticsQueries.localDay(offset: program.utcOffset, of: "created_at")
            for row in try await database.raw(
                """
                SELECT \(entryDay) AS day, kind, CAST(SUM(points) AS BIGINT) AS points FROM point_entries
                WHERE created_at >= \(bind: start) AND created_at < \(bind: end) GROUP BY \(entryDay), kind
                """
            ).all() {
                let key = PointKey(
                    day: try row.decode(column: "day", as: Int64.self),
                    kind: try row.decode(column: "kind", as: String.self))
                sums.points[key] = try row.decode(column: "points", as: Int64.self)
            }
            sums.gaps = try await gaps(from: start, to: end, program: program, in: database)
            return sums
        }

        /// Members by the local day they entered (joined, or first ordered if that was earlier). Only members who
        /// joined or ordered in the run can have entered in it.
        private static func entries(
            from start: Int64, to end: Int64, program: LoyaltyProgram, in database: any SQLDatabase
        ) async throws -> [(day: Int64, entered: Int64)] {
            let day = AnalyticsQueries.localDay(offset: program.utcOffset, of: "entered_at")
            return try await database.raw(
                """
                SELECT \(day) AS day, COUNT(*) AS entered FROM (
                    SELECT CASE WHEN first_order < joined_at THEN first_order ELSE joined_at END AS entered_at FROM (
                        SELECT m.joined_at,
                               (SELECT MIN(o.occurred_at) FROM orders o WHERE o.member_id = m.id) AS first_order
                        FROM members m
                        WHERE m.joined_at >= \(bind: start)
                           OR m.id IN (SELECT member_id FROM orders
                                       WHERE occurred_at >= \(bind: start) AND occurred_at < \(bind: end))
                    ) AS candidates
                ) AS entries
                WHERE entered_at >= \(bind: start) AND entered_at < \(bind: end)
                GROUP BY \(day)
                """
            ).all().map { row in
                (try row.decode(column: "day", as: Int64.self), try row.decode(column: "entered", as: Int64.self))
            }
        }

        /// Each order's days since the member's two orders before it, grouped. Only the orders of members who
        /// ordered in the run are ranked, and only as far back as the longest gap kept.
        private static func gaps(
            from start: Int64, to end: Int64, program: LoyaltyProgram, in database: any SQLDatabase
        ) async throws -> [GapKey: Int64] {
            let horizon = start - Int64(longestGapDays + 1) * 86_400_000
            let currency = program.currency.code
            let day = { (column: String) in AnalyticsQueries.localDay(offset: program.utcOffset, of: column) }
            let rows = try await database.raw(
                """
                WITH buyers AS (
                    SELECT DISTINCT member_id FROM orders
                    WHERE occurred_at >= \(bind: start) AND occurred_at < \(bind: end) AND currency = \(bind: currency)),
                ranked AS (
                    SELECT o.occurred_at, LAG(o.occurred_at, 1) OVER w AS previous_at,
                           LAG(o.occurred_at, 2) OVER w AS earlier_at
                    FROM orders o JOIN buyers b ON b.member_id = o.member_id
                    WHERE o.occurred_at >= \(bind: horizon) AND o.occurred_at < \(bind: end) AND o.currency = \(bind: currency)
                    WINDOW w AS (PARTITION BY o.member_id ORDER BY o.occurred_at, o.order_id)),
                gaps AS (
                    SELECT \(day("occurred_at")) AS day, \(day("occurred_at")) - \(day("previous_at")) AS previous_gap,
                           \(day("occurred_at")) - \(day("earlier_at")) AS earlier_gap
                    FROM ranked WHERE occurred_at >= \(bind: start))
                SELECT day, 1 AS nth, previous_gap AS gap_days, COUNT(*) AS orders FROM gaps GROUP BY day, previous_gap
                UNION ALL
                SELECT day, 2 AS nth, earlier_gap AS gap_days, COUNT(*) AS orders FROM gaps GROUP BY day, earlier_gap
                """
            ).all()
            var gaps: [GapKey: Int64] = [:]
            for row in rows {
                let gap = try row.decode(column: "gap_days", as: Int64?.self)
                let key = GapKey(
                    day: try row.decode(column: "day", as: Int64.self),
                    nth: try row.decode(column: "nth", as: Int64.self),
                    gapDays: gap.flatMap { $0 <= Int64(longestGapDays) ? $0 : nil } ?? noEarlierOrder)
                gaps[key, default: 0] += try row.decode(column: "orders", as: Int64.self)
            }
            return gaps
        }

        func save(in database: any SQLDatabase) async throws {
            for chunk in Array(days.values).chunks(of: 500) {
                var insert = database.insert(into: "activity_days").columns(
                    "day", "orders", "customers", "revenue_minor", "entered")
                for day in chunk {
                    insert = insert.values(
                        SQLBind(Int64(day.sales.day.daysSinceEpoch)), SQLBind(Int64(day.sales.orders)),
                        SQLBind(Int64(day.sales.customers)), SQLBind(day.sales.revenueMinor), SQLBind(day.entered))
                }
                try await insert.run()
            }
            for chunk in Array(points).chunks(of: 500) {
                var insert = database.insert(into: "activity_points").columns("day", "kind", "points")
                for (key, points) in chunk {
                    insert = insert.values(SQLBind(key.day), SQLBind(key.kind), SQLBind(points))
                }
                try await insert.run()
            }
            for chunk in Array(gaps).chunks(of: 500) {
                var insert = database.insert(into: "activity_order_gaps").columns("day", "nth", "gap_days", "orders")
                for (key, orders) in chunk {
                    insert = insert.values(SQLBind(key.day), SQLBind(key.nth), SQLBind(key.gapDays), SQLBind(orders))
                }
                try await insert.run()
            }
        }
    }

    /// The summed days `first` through `last` that had orders.
    static func days(
        from first: CalendarDate, through last: CalendarDate, in database: any SQLDatabase
    ) async throws -> [DailySales] {
        try await database.raw(
            """
            SELECT day, orders, customers, revenue_minor FROM activity_days
            WHERE day >= \(bind: Int64(first.daysSinceEpoch)) AND day <= \(bind: Int64(last.daysSinceEpoch))
            """
        ).all().map { row in
            DailySales(
                day: CalendarDate(daysSinceEpoch: Int(try row.decode(column: "day", as: Int64.self))),
                orders: Int(try row.decode(column: "orders", as: Int64.self)),
                revenueMinor: try row.decode(column: "revenue_minor", as: Int64.self),
                customers: Int(try row.decode(column: "customers", as: Int64.self)))
        }
    }

    /// Members who entered (joined, or first ordered) on the summed days before `day`.
    static func members(before day: CalendarDate, in database: any SQLDatabase) async throws -> Int {
        let row = try await database.raw(
            """
            SELECT CAST(COALESCE(SUM(entered), 0) AS BIGINT) AS members FROM activity_days
            WHERE day < \(bind: Int64(day.daysSinceEpoch))
            """
        ).first()
        return Int(try row?.decode(column: "members", as: Int64.self) ?? 0)
    }

    /// Every point entry's points on the summed days before `day`.
    static func points(before day: CalendarDate, in database: any SQLDatabase) async throws -> Int64 {
        let row = try await database.raw(
            """
            SELECT CAST(COALESCE(SUM(points), 0) AS BIGINT) AS points FROM activity_points
            WHERE day < \(bind: Int64(day.daysSinceEpoch))
            """
        ).first()
        return try row?.decode(column: "points", as: Int64.self) ?? 0
    }

    /// The summed days' points by entry kind.
    static func points(
        from first: CalendarDate, through last: CalendarDate, in database: any SQLDatabase
    ) async throws -> [PointEntryKind: Int64] {
        var sums: [PointEntryKind: Int64] = [:]
        for row in try await database.raw(
            """
            SELECT kind, CAST(SUM(points) AS BIGINT) AS points FROM activity_points
            WHERE day >= \(bind: Int64(first.daysSinceEpoch)) AND day <= \(bind: Int64(last.daysSinceEpoch))
            GROUP BY kind
            """
        ).all() {
            guard let kind = PointEntryKind(rawValue: try row.decode(column: "kind", as: String.self)) else { continue }
            sums[kind, default: 0] += try row.decode(column: "points", as: Int64.self)
        }
        return sums
    }

    /// Members who ordered in the summed days `first` through `last`, and those who ordered twice or more there.
    ///
    /// An order on day `d` is a member's first in the period when their previous order came before `first`, that is
    /// more than `d - first` days earlier; it is their second when the previous one is inside and the one before
    /// that is not. Counting orders whose earlier-but-one order is outside counts each member once per first and
    /// second order, so the difference is the members with a second.
    static func customers(
        from first: CalendarDate, through last: CalendarDate, in database: any SQLDatabase
    ) async throws -> (purchasing: Int, repeating: Int) {
        let start = Int64(first.daysSinceEpoch)
        let rows = try await database.raw(
            """
            SELECT nth, CAST(SUM(orders) AS BIGINT) AS orders FROM activity_order_gaps
            WHERE day >= \(bind: start) AND day <= \(bind: Int64(last.daysSinceEpoch))
              AND (gap_days = \(bind: Sums.noEarlierOrder) OR gap_days > day - \(bind: start))
            GROUP BY nth
            """
        ).all()
        var firstOrders: Int64 = 0
        var firstOrSecond: Int64 = 0
        for row in rows {
            let orders = try row.decode(column: "orders", as: Int64.self)
            if try row.decode(column: "nth", as: Int64.self) == 1 {
                firstOrders = orders
            } else {
                firstOrSecond = orders
            }
        }
        return (Int(firstOrders), Int(firstOrSecond - firstOrders))
    }
}
