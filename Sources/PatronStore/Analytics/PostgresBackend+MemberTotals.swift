import PostgresKit
import PostgresNIO
import SQLKit

extension PostgresBackend {
    /// Streams the rows of ``AnalyticsQueries/memberTotalsQuery(_:program:)`` to `body`, decoded by position:
    /// SQLKit's decoding by name builds a dictionary for every row, which for a million members costs more than the
    /// query itself.
    func forEachMemberTotals(
        _ query: SQLQueryString, scope: MemberTotalsScope, _ body: @Sendable (MemberPurchaseTotals) -> Void
    ) async throws {
        try await client.withConnection { connection in
            let (sql, binds) = Self.positional(query, on: connection)
            guard scope.withIDs else {
                return try await Self.forEachMemberTotalsInColumns(
                    sql, binds: binds, scope: scope, on: connection, logger: logger, body)
            }
            let rows = try await connection.query(PostgresQuery(unsafeSQL: sql, binds: binds), logger: logger)
            for try await row in rows {
                let cells = row.makeRandomAccess()
                func integer(_ offset: Int) throws -> Int64 { try cells[1 + offset].decode(Int64.self) }
                body(
                    MemberPurchaseTotals(
                        memberID: try cells[0].decode(String.self),
                        firstDay: Int(try integer(0)), lastDay: Int(try integer(1)),
                        purchaseDays: Int(try integer(2)), orderCount: Int(try integer(3)),
                        revenueMinor: try integer(4),
                        firstDayRevenueMinor: scope.firstDaySpend ? try integer(5) : nil))
            }
        }
    }

    /// Without member ids, the whole result comes back as one row of arrays, one per column: a million rows cost
    /// the client more than the query, a million array elements a few milliseconds. The arrays are filled by one
    /// aggregate pass, so their elements line up member by member; days and counts travel as 4-byte integers.
    private static func forEachMemberTotalsInColumns(
        _ sql: String, binds: PostgresBindings, scope: MemberTotalsScope, on connection: PostgresConnection,
        logger: Logger, _ body: @Sendable (MemberPurchaseTotals) -> Void
    ) async throws {
        let small = ["first_day", "last_day", "purchase_days", "order_count"]
        let large = ["revenue_minor"] + (scope.firstDaySpend ? ["first_day_revenue_minor"] : [])
        let arrays =
            small.map { "COALESCE(array_agg(CAST(\($0) AS INTEGER)), '{}')" }
            + large.map { "COALESCE(array_agg(\($0)), '{}')" }
        let query = PostgresQuery(
            unsafeSQL: "SELECT \(arrays.joined(separator: ", ")) FROM (\(sql)) AS member_totals", binds: binds)
        for try await row in try await connection.query(query, logger: logger) {
            let cells = row.makeRandomAccess()
            let days = try (0..<small.count).map { try cells[$0].decode([Int32].self) }
            let amounts = try (0..<large.count).map { try cells[small.count + $0].decode([Int64].self) }
            for index in days[0].indices {
                body(
                    MemberPurchaseTotals(
                        memberID: "", firstDay: Int(days[0][index]), lastDay: Int(days[1][index]),
                        purchaseDays: Int(days[2][index]), orderCount: Int(days[3][index]),
                        revenueMinor: amounts[0][index],
                        firstDayRevenueMinor: scope.firstDaySpend ? amounts[1][index] : nil))
            }
        }
    }
}
