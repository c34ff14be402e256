import PatronAnalytics
import PatronCore
import SQLKit

/// The SQL behind the analytics reads. Only orders in the program's currency count: amounts in different
/// currencies cannot be added up.
enum AnalyticsQueries {
    static let millisecondsPerDay: Int64 = 86_400_000

    /// The local day number of `column` (`orders.occurred_at` by default), as SQL (integer division; orders are
    /// after 1970).
    static func localDay(offset: UTCOffset, of column: String = "occurred_at") -> SQLQueryString {
        "(\(unsafeRaw: column) + \(unsafeRaw: String(Int64(offset.minutes) * 60_000))) / \(unsafeRaw: String(millisecondsPerDay))"
    }

    /// The orders of `scope` in the program's currency, as a condition on the orders table called `table`.
    static func orderFilter(_ scope: MemberTotalsScope, program: LoyaltyProgram, table: String) -> SQLQueryString {
        let cutoff = program.utcOffset.startOf(PatronCore.CalendarDate(daysSinceEpoch: scope.throughDay + 1))
            .millisecondsSinceEpoch
        let column = { (name: String) -> SQLQueryString in "\(unsafeRaw: table).\(unsafeRaw: name)" }
        var filter: SQLQueryString =
            "\(column("occurred_at")) < \(bind: cutoff) AND \(column("currency")) = \(bind: program.currency.code)"
        if let memberID = scope.memberID { filter = filter + " AND \(column("member_id")) = \(bind: memberID)" }
        if let from = scope.from { filter = filter + " AND \(column("member_id")) >= \(bind: from)" }
        if let after = scope.after { filter = filter + " AND \(column("member_id")) > \(bind: after)" }
        if let before = scope.before { filter = filter + " AND \(column("member_id")) < \(bind: before)" }
        if scope.refundedOnly { filter = filter + " AND \(column("member_id")) IN (SELECT member_id FROM refunds)" }
        return filter
    }

    /// The SQL of the per-member totals in `scope`, in this column order (which the PostgreSQL reader relies on):
    /// member_id (when ``MemberTotalsScope/withIDs``), first_day, last_day, purchase_days, order_count,
    /// revenue_minor, and first_day_revenue_minor (when ``MemberTotalsScope/firstDaySpend``).
    ///
    /// Revenue is net of refunds: each refund is taken off the order it refunds, on that order's day. The refunds
    /// are added up per member apart, over the refunded orders only, and joined to the members' totals, so a base
    /// with few refunds pays one look-up per member rather than one per order.
    static func memberTotalsQuery(_ scope: MemberTotalsScope, program: LoyaltyProgram) -> SQLQueryString {
        if scope.beforeRefunds { return grossTotalsQuery(scope, program: program, withID: scope.withIDs) }
        let id: SQLQueryString = scope.withIDs ? "totals.member_id, " : ""
        let firstDay: SQLQueryString =
            scope.firstDaySpend
            ? """
            ,
                   CAST(totals.first_day_revenue_minor - COALESCE(refunded.first_day_minor, 0) AS BIGINT)
                       AS first_day_revenue_minor
            """ : ""
        let order: SQLQueryString = scope.limit == nil ? "" : " ORDER BY totals.member_id"
        return """
            SELECT \(id)totals.first_day, totals.last_day, totals.purchase_days, totals.order_count,
                   CAST(totals.revenue_minor - COALESCE(refunded.revenue_minor, 0) AS BIGINT) AS revenue_minor\(firstDay)
            FROM (\(grossTotalsQuery(scope, program: program))) AS totals
            LEFT JOIN (\(refundTotalsQuery(scope, program: program))) AS refunded
                   ON refunded.member_id = totals.member_id\(order)
            """
    }

    /// The per-member totals of the orders themselves, before refunds, with the member id unless `withID` is false.
    ///
    /// Without the first day's spend this is one pass over the covering index `orders_for_analytics` in member
    /// order (distinct days are counted per member); with it, orders are first reduced to (member, day), which needs
    /// a sort, and a window finds each member's first day so that the same pass adds up that day's spend. With a
    /// limit, the members come in id order and the pass stops after the last of them.
    private static func grossTotalsQuery(
        _ scope: MemberTotalsScope, program: LoyaltyProgram, withID: Bool = true
    ) -> SQLQueryString {
        let offset = program.utcOffset
        let id: SQLQueryString = withID ? "member_id, " : ""
        let filter = orderFilter(scope, program: program, table: "orders")
        let page: SQLQueryString = scope.limit.map { " ORDER BY member_id LIMIT \(unsafeRaw: String($0))" } ?? ""
        if scope.firstDaySpend {
            return """
                SELECT \(id)CAST(MIN(day) AS BIGINT) AS first_day, CAST(MAX(day) AS BIGINT) AS last_day,
                       CAST(COUNT(*) AS BIGINT) AS purchase_days, CAST(SUM(orders) AS BIGINT) AS order_count,
                       CAST(SUM(revenue) AS BIGINT) AS revenue_minor,
                       CAST(SUM(CASE WHEN day = first_day THEN revenue ELSE 0 END) AS BIGINT) AS first_day_revenue_minor
                FROM (
                    SELECT member_id, day, orders, revenue, MIN(day) OVER (PARTITION BY member_id) AS first_day
                    FROM (
                        SELECT member_id, \(localDay(offset: offset)) AS day, COUNT(*) AS orders,
                               SUM(total_minor) AS revenue
                        FROM orders WHERE \(filter)
                        GROUP BY member_id, day
                    ) AS member_days
                ) AS member_days_with_first
                GROUP BY member_id\(page)
                """
        }
        return """
            SELECT \(id)CAST(MIN(day) AS BIGINT) AS first_day, CAST(MAX(day) AS BIGINT) AS last_day,
                   CAST(COUNT(DISTINCT day) AS BIGINT) AS purchase_days, CAST(COUNT(*) AS BIGINT) AS order_count,
                   CAST(SUM(total_minor) AS BIGINT) AS revenue_minor
            FROM (
                SELECT member_id, \(localDay(offset: offset)) AS day, total_minor FROM orders WHERE \(filter)
            ) AS dated_orders
            GROUP BY member_id\(page)
            """
    }

    /// Per member with a refunded order in `scope`: the refunds of those orders, and (with the first day's spend)
    /// those of orders on the member's first order day, found from the covering index per refunded order.
    private static func refundTotalsQuery(_ scope: MemberTotalsScope, program: LoyaltyProgram) -> SQLQueryString {
        let offset = program.utcOffset
        var firstDay: SQLQueryString = ""
        if scope.firstDaySpend {
            let cutoff = program.utcOffset.startOf(PatronCore.CalendarDate(daysSinceEpoch: scope.throughDay + 1))
                .millisecondsSinceEpoch
            // The member's first order in scope, read from the covering index (member, time, currency).
            let firstOrder =
                "(SELECT MIN(f.occurred_at) FROM orders AS f WHERE f.member_id = o.member_id"
                + " AND f.occurred_at < \(cutoff) AND f.currency = o.currency)"
            firstDay = """
                ,
                       SUM(CASE WHEN \(localDay(offset: offset, of: "o.occurred_at")) = \(localDay(offset: offset, of: firstOrder))
                                THEN r.refunded ELSE 0 END) AS first_day_minor
                """
        }
        // One member's refunds are read by the member, not from every refund.
        let member: SQLQueryString = scope.memberID.map { " WHERE member_id = \(bind: $0)" } ?? ""
        return """
            SELECT o.member_id AS member_id, SUM(r.refunded) AS revenue_minor\(firstDay)
            FROM (SELECT order_id, SUM(amount_minor) AS refunded FROM refunds\(member) GROUP BY order_id) AS r
            JOIN orders AS o ON o.order_id = r.order_id
            WHERE \(orderFilter(scope, program: program, table: "o"))
            GROUP BY o.member_id
            """
    }

    /// For each member with a refund through `throughDay`: their totals before refunds (as the whole base's
    /// `beforeRefunds` read gives them) and their revenue after. Few rows, read through the index per member.
    static func refundCorrections(
        throughDay: Int, program: LoyaltyProgram, in database: any SQLDatabase
    ) async throws -> [MemberTotalsColumns.RefundCorrection] {
        let refunded = MemberTotalsScope(throughDay: throughDay, refundedOnly: true)
        // The join keeps only refunded members; the refund totals need no filter of their own.
        let everyone = MemberTotalsScope(throughDay: throughDay)
        return try await database.raw(
            """
            SELECT totals.first_day, totals.last_day, totals.purchase_days, totals.revenue_minor,
                   CAST(totals.revenue_minor - refunded.revenue_minor AS BIGINT) AS net_revenue_minor
            FROM (\(grossTotalsQuery(refunded, program: program))) AS totals
            JOIN (\(refundTotalsQuery(everyone, program: program))) AS refunded ON refunded.member_id = totals.member_id
            """
        ).all().map { row in
            func integer(_ column: String) throws -> Int64 { try row.decode(column: column, as: Int64.self) }
            return MemberTotalsColumns.RefundCorrection(
                firstDay: Int32(truncatingIfNeeded: try integer("first_day")),
                lastDay: Int32(truncatingIfNeeded: try integer("last_day")),
                purchaseDays: Int32(clamping: try integer("purchase_days")),
                grossRevenueMinor: try integer("revenue_minor"), netRevenueMinor: try integer("net_revenue_minor"))
        }
    }

    /// The totals of one row of ``memberTotalsQuery(_:program:)``.
    static func decode(_ row: any SQLRow, scope: MemberTotalsScope) throws -> MemberPurchaseTotals {
        func integer(_ column: String) throws -> Int64 { try row.decode(column: column, as: Int64.self) }
        return MemberPurchaseTotals(
            memberID: scope.withIDs ? try row.decode(column: "member_id", as: String.self) : "",
            firstDay: Int(try integer("first_day")), lastDay: Int(try integer("last_day")),
            purchaseDays: Int(try integer("purchase_days")), orderCount: Int(try integer("order_count")),
            revenueMinor: try integer("revenue_minor"),
            firstDayRevenueMinor: scope.firstDaySpend ? try integer("first_day_revenue_minor") : nil)
    }

    /// The per-member totals in `scope`, all at once: for one member or a page of them.
    static func memberTotals(
        _ scope: MemberTotalsScope, program: LoyaltyProgram, in database: any SQLDatabase
    ) async throws -> [MemberPurchaseTotals] {
        try await database.raw(memberTotalsQuery(scope, program: program)).all().map {
            try decode($0, scope: scope)
        }
    }

    /// One member's RFM scores among every customer through `throughDay`, from counts of customers with a worse
    /// and with a better value, taken in the database: nothing per customer leaves it, so one member's insights cost one scan
    /// and no memory. The scores equal those ``CustomerBase`` gives the whole base.
    static func score(
        of member: MemberPurchaseTotals, throughDay: Int, program: LoyaltyProgram, in database: any SQLDatabase
    ) async throws -> RFMScore {
        let row = try await database.raw(
            """
            SELECT CAST(COUNT(*) AS BIGINT) AS customers,
                   CAST(SUM(CASE WHEN last_day < \(bind: Int64(member.lastDay)) THEN 1 ELSE 0 END) AS BIGINT)
                       AS worse_recency,
                   CAST(SUM(CASE WHEN purchase_days < \(bind: Int64(member.purchaseDays)) THEN 1 ELSE 0 END) AS BIGINT)
                       AS worse_frequency,
                   CAST(SUM(CASE WHEN revenue_minor < \(bind: member.revenueMinor) THEN 1 ELSE 0 END) AS BIGINT)
                       AS worse_monetary,
                   CAST(SUM(CASE WHEN last_day > \(bind: Int64(member.lastDay)) THEN 1 ELSE 0 END) AS BIGINT)
                       AS better_recency,
                   CAST(SUM(CASE WHEN purchase_days > \(bind: Int64(member.purchaseDays)) THEN 1 ELSE 0 END) AS BIGINT)
                       AS better_frequency,
                   CAST(SUM(CASE WHEN revenue_minor > \(bind: member.revenueMinor) THEN 1 ELSE 0 END) AS BIGINT)
                       AS better_monetary
            FROM (\(memberTotalsQuery(MemberTotalsScope(throughDay: throughDay), program: program))) AS totals
            """
        ).first()
        func count(_ column: String) throws -> Int { Int(try row?.decode(column: column, as: Int64.self) ?? 0) }
        let customers = max(try count("customers"), 1)
        func score(_ measure: String) throws -> Int {
            RFMAnalysis.quintileScore(
                worse: try count("worse_" + measure), better: try count("better_" + measure), count: customers)
        }
        return RFMScore(
            recency: try score("recency"), frequency: try score("frequency"), monetary: try score("monetary"))
    }
}
