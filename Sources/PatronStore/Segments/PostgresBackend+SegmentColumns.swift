import PostgresKit
import PostgresNIO
import SQLKit

/// A segment's facts from PostgreSQL as one row of arrays, one per column, decoded by position: a million rows
/// decoded by name cost seconds, a million array elements a few tens of milliseconds.
extension PostgresBackend {
    /// Every member a segment may hold, in byte order of id, with the tier standing stored for them ("" for none)
    /// and when they joined.
    func segmentUniverse() async throws -> (ids: [String], tiers: [String], joinedAt: [Int64]) {
        let order = #"ORDER BY m.id COLLATE "C""#
        return try await firstRow(
            """
            SELECT COALESCE(array_agg(m.id \(unsafeRaw: order)), '{}'),
                   COALESCE(array_agg(COALESCE(t.tier_id, '') \(unsafeRaw: order)), '{}'),
                   COALESCE(array_agg(m.joined_at \(unsafeRaw: order)), '{}')
            FROM members m LEFT JOIN member_tiers t ON t.member_id = m.id WHERE m.erased_at IS NULL
            """
        ) { cells in
            (try cells[0].decode([String].self), try cells[1].decode([String].self), try cells[2].decode([Int64].self))
        } ?? ([], [], [])
    }

    /// The `member_id` and `value` columns of `query`.
    func memberValues(_ query: SQLQueryString) async throws -> [(memberID: String, value: Double)] {
        try await firstRow(
            """
            SELECT COALESCE(array_agg(member_id), '{}'), COALESCE(array_agg(CAST(value AS DOUBLE PRECISION)), '{}')
            FROM (\(query)) AS facts
            """
        ) { cells in
            zip(try cells[0].decode([String].self), try cells[1].decode([Double].self)).map {
                (memberID: $0, value: $1)
            }
        } ?? []
    }

    /// The `member_id` column of `query`.
    func memberIDs(_ query: SQLQueryString) async throws -> [String] {
        try await firstRow("SELECT COALESCE(array_agg(member_id), '{}') FROM (\(query)) AS facts") { cells in
            try cells[0].decode([String].self)
        } ?? []
    }

    /// The first row of `query`, read by position.
    private func firstRow<Value: Sendable>(
        _ query: SQLQueryString, _ read: @Sendable (PostgresRandomAccessRow) throws -> Value
    ) async throws -> Value? {
        try await client.withConnection { connection in
            let (sql, values) = connection.sql().serialize(query)
            var binds = PostgresBindings()
            for value in values {
                switch value {
                case let value as Int64: binds.append(value)
                case let value as Int: binds.append(Int64(value))
                case let value as String: binds.append(value)
                default: preconditionFailure("a segment query binds only integers and text, not \(type(of: value))")
                }
            }
            let rows = try await connection.query(PostgresQuery(unsafeSQL: sql, binds: binds), logger: logger)
            for try await row in rows { return try read(row.makeRandomAccess()) }
            return nil
        }
    }
}
