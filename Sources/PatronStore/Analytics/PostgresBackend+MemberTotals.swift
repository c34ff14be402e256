import PostgresKit
import PostgresNIO
import SQLKit

extension PostgresBackend {
    /// Streams the rows of ``AnalyticsQueries/memberTotalsQuery(_:program:)`` to `body`, decoded by position:
    /// SQLKit's decoding by name builds a dictionary for every row, which for a million members costs more than the
    /// query itself.
    func forEachMemberTotals(
        _ query: SQLQueryString, scope: MemberTotalsScope, _ body: (MemberPurchaseTotals) -> Void
    ) async throws {
        try await client.withConnection { connection in
            let (sql, values) = connection.sql().serialize(query)
            var binds = PostgresBindings()
            for value in values {
                switch value {
                case let value as Int64: binds.append(value)
                case let value as Int: binds.append(Int64(value))
                case let value as String: binds.append(value)
                default: preconditionFailure("an analytics query binds only integers and text, not \(type(of: value))")
                }
            }
            let rows = try await connection.query(PostgresQuery(unsafeSQL: sql, binds: binds), logger: logger)
            let first = scope.withIDs ? 1 : 0
            for try await row in rows {
                let cells = row.makeRandomAccess()
                func integer(_ offset: Int) throws -> Int64 { try cells[first + offset].decode(Int64.self) }
                body(
                    MemberPurchaseTotals(
                        memberID: scope.withIDs ? try cells[0].decode(String.self) : "",
                        firstDay: Int(try integer(0)), lastDay: Int(try integer(1)),
                        purchaseDays: Int(try integer(2)), orderCount: Int(try integer(3)),
                        revenueMinor: try integer(4),
                        firstDayRevenueMinor: scope.firstDaySpend ? try integer(5) : nil))
            }
        }
    }
}
