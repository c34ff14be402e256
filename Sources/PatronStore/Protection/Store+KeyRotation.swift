import Foundation
import PatronCore
import SQLKit

/// How far a master-key rotation got.
public struct KeyRotation: Sendable, Hashable {
    /// Shared keys re-wrapped (at most two: sealing and blind indexes).
    public var sharedKeys = 0
    /// Member keys re-wrapped.
    public var memberKeys = 0
}

extension Store {
    /// Reads the database's shared keys with the configured master keys; `patron serve` and every command that
    /// opens a store call it once, after migrating.
    public func loadKeys() async throws {
        try await protector.loadSharedKeys(in: database, at: clock.milliseconds)
    }

    /// Re-wraps every key the database holds under the current master key, in batches of `batchSize`, each its own
    /// transaction: resumable after a stop, and safe beside running servers (each row is changed only if it still
    /// holds what was read). The previous master keys are needed until it returns and not after. Nothing sealed
    /// changes: members' and shared keys keep their value, only their wrapping changes.
    public func rotateDataKey(
        batchSize: Int = 1_000, progress: @Sendable (KeyRotation) -> Void = { _ in }
    )
        async throws -> KeyRotation
    {
        let protector = self.protector
        var done = KeyRotation()
        done.sharedKeys = try await database.write { database in
            var changed = 0
            for (purpose, wrapped) in try await DataProtector.storedSharedKeys(in: database) {
                let (rewrapped, isNew) = try protector.rewrap(wrapped)
                guard isNew else { continue }
                try await database.raw(
                    """
                    UPDATE protection_keys SET wrapped_key = \(bind: rewrapped), master_key_id = \(bind: protector.masterKeyID)
                    WHERE purpose = \(bind: purpose) AND wrapped_key = \(bind: wrapped)
                    """
                ).run()
                changed += 1
            }
            return changed
        }
        // Walked in member id order from where the last batch ended: each batch reads the next range of the key.
        var after = ""
        while true {
            let from = after
            let (changed, last) = try await database.write { database in
                let rows = try await database.raw(
                    """
                    SELECT member_id, wrapped_key FROM member_keys
                    WHERE member_id > \(bind: from) AND master_key_id <> \(bind: protector.masterKeyID)
                    ORDER BY member_id LIMIT \(bind: batchSize)
                    """
                ).all()
                // One statement per batch; a row is changed only if it still holds what was read.
                var values: [SQLQueryString] = []
                for row in rows {
                    let memberID = try row.decode(column: "member_id", as: String.self)
                    let wrapped = try row.decode(column: "wrapped_key", as: String.self)
                    let rewrapped = try protector.rewrap(wrapped).wrapped
                    values.append("(\(bind: memberID), \(bind: wrapped), \(bind: rewrapped))")
                }
                if !values.isEmpty {
                    try await database.raw(
                        """
                        UPDATE member_keys SET wrapped_key = v.rewrapped, master_key_id = \(bind: protector.masterKeyID)
                        FROM (SELECT column1 AS member_id, column2 AS wrapped, column3 AS rewrapped
                              FROM (VALUES \(SQLList(values))) AS batch) AS v
                        WHERE member_keys.member_id = v.member_id AND member_keys.wrapped_key = v.wrapped
                        """
                    ).run()
                }
                return (rows.count, try rows.last?.decode(column: "member_id", as: String.self))
            }
            guard let last else { break }
            after = last
            done.memberKeys += changed
            progress(done)
        }
        return done
    }
}
