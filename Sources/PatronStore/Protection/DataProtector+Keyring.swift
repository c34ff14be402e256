import Crypto
import Foundation
import SQLKit
import Synchronization

/// The shared keys in force, replaced once when they are read from the database.
final class SharedKeyring: Sendable {
    private let state: Mutex<SharedKeys>

    init(_ keys: SharedKeys) {
        state = Mutex(keys)
    }

    var keys: SharedKeys { state.withLock { $0 } }

    func replace(with keys: SharedKeys) {
        state.withLock { $0 = keys }
    }
}

extension DataProtector {
    /// Takes the database's stored shared keys, opened with whichever master key wraps them; a database without
    /// them stores the ones derived from the current master key (which is what it has used so far).
    public func loadSharedKeys(in database: any Database, at now: Int64) async throws {
        let derived = SharedKeys(derivedFrom: current)
        let current = self.current
        let rotating = masters.count > 1
        let wrapped = try await database.write { database in
            // Which master key an older database's shared keys come from is known only when there is one.
            if rotating, try await Self.storedSharedKeys(in: database).isEmpty {
                throw DataProtectionError.rotationBeforeKeysStored
            }
            for (purpose, key) in [("encryption", derived.encryption), ("blind_index", derived.blindIndex)] {
                try await database.raw(
                    """
                    INSERT INTO protection_keys (purpose, wrapped_key, master_key_id, created_at)
                    VALUES (\(bind: purpose), \(bind: try current.wrap(key)), \(bind: current.id), \(bind: now))
                    ON CONFLICT (purpose) DO NOTHING
                    """
                ).run()
            }
            return try await Self.storedSharedKeys(in: database)
        }
        guard let encryption = wrapped["encryption"], let index = wrapped["blind_index"] else {
            throw DataProtectionError.malformedCiphertext
        }
        shared.replace(with: SharedKeys(encryption: try unwrapKey(encryption), blindIndex: try unwrapKey(index)))
    }

    static func storedSharedKeys(in database: any SQLDatabase) async throws -> [String: String] {
        var wrapped: [String: String] = [:]
        for row in try await database.raw("SELECT purpose, wrapped_key FROM protection_keys").all() {
            wrapped[try row.decode(column: "purpose", as: String.self)] = try row.decode(
                column: "wrapped_key", as: String.self)
        }
        return wrapped
    }
}
