import PostgresNIO

extension PostgresBackend {
    /// The per-member totals without the first day's spend, as `AnalyticsQueries.memberTotals` reads them, but
    /// decoded by position into typed columns: SQLKit's decoding by name builds a dictionary for every row, which
    /// for a million members costs more than the query itself.
    func memberTotals(
        cutoff: Int64, currency: String, offsetMilliseconds: Int64, members: (from: String?, before: String?)
    ) async throws -> [MemberPurchaseTotals] {
        var binds = PostgresBindings()
        binds.append(cutoff)
        binds.append(currency)
        var filter = "occurred_at < $1 AND currency = $2"
        if let from = members.from {
            binds.append(from)
            filter += " AND member_id >= $\(binds.count)"
        }
        if let before = members.before {
            binds.append(before)
            filter += " AND member_id < $\(binds.count)"
        }
        let sql = """
            SELECT member_id, CAST(MIN(day) AS BIGINT), CAST(MAX(day) AS BIGINT), CAST(COUNT(DISTINCT day) AS BIGINT),
                   CAST(COUNT(*) AS BIGINT), CAST(SUM(total_minor) AS BIGINT)
            FROM (
                SELECT member_id, (occurred_at + \(offsetMilliseconds)) / \(AnalyticsQueries.millisecondsPerDay) AS day,
                       total_minor
                FROM orders WHERE \(filter)
            ) AS dated_orders
            GROUP BY member_id
            """
        let rows = try await client.query(PostgresQuery(unsafeSQL: sql, binds: binds), logger: logger)
        var totals: [MemberPurchaseTotals] = []
        for try await (memberID, firstDay, lastDay, purchaseDays, orderCount, revenue) in rows.decode(
            (String, Int64, Int64, Int64, Int64, Int64).self)
        {
            totals.append(
                MemberPurchaseTotals(
                    memberID: memberID, firstDay: Int(firstDay), lastDay: Int(lastDay),
                    purchaseDays: Int(purchaseDays), orderCount: Int(orderCount), revenueMinor: revenue,
                    firstDayRevenueMinor: nil))
        }
        return totals
    }
}
