import PostgresKit
import PostgresNIO
import SQLKit

/// A segment's members from PostgreSQL as one array, decoded by position: a million rows decoded by name cost
/// seconds, a million array elements a few tens of milliseconds.
extension PostgresBackend {
    /// The `member_id` column of `query`.
    func memberIDs(_ query: SQLQueryString) async throws -> [String] {
        try await firstRow(
            #"SELECT COALESCE(array_agg(member_id ORDER BY member_id COLLATE "C"), '{}') FROM (\#(query)) AS facts"#
        ) { cells in
            try cells[0].decode([String].self)
        } ?? []
    }

    /// The first row of `query`, read by position.
    private func firstRow<Value: Sendable>(
        _ query: SQLQueryString, _ read: @Sendable (PostgresRandomAccessRow) throws -> Value
    ) async throws -> Value? {
        try await client.withConnection { connection in
            let (sql, binds) = Self.positional(query, on: connection)
            let rows = try await connection.query(PostgresQuery(unsafeSQL: sql, binds: binds), logger: logger)
            for try await row in rows { return try read(row.makeRandomAccess()) }
            return nil
        }
    }

    /// A query's text and binds for PostgresNIO directly, for reading its rows by position.
    static func positional(_ query: SQLQueryString, on connection: PostgresConnection) -> (String, PostgresBindings) {
        let (sql, values) = connection.sql().serialize(query)
        var binds = PostgresBindings()
        for value in values {
            switch value {
            case let value as Int64: binds.append(value)
            case let value as Int: binds.append(Int64(value))
            case let value as String: binds.append(value)
            case let value as Double: binds.append(value)
            case let value as [String]: binds.append(value)
            default: preconditionFailure("a query read by position binds numbers and text only, not \(type(of: value))")
            }
        }
        return (sql, binds)
    }
}
