import Crypto
import Foundation
import PatronCore
import SQLKit

/// An API key as stored: never the key itself.
public struct APIKey: Sendable, Hashable {
    public var id: String
    public var name: String
    public var scopes: Set<Scope>
    /// The stores a till key may act for; `nil` for every store.
    public var stores: Set<String>?
    public var createdAt: Timestamp
    public var revokedAt: Timestamp?
}

extension Store {
    /// Creates a key; the returned secret is shown once and cannot be recovered.
    public func createAPIKey(
        name: String, scopes: Set<Scope>, stores: Set<String>? = nil
    ) async throws -> (key: APIKey, secret: String) {
        let now = clock.milliseconds
        let key = APIKey(
            id: Identifier.make(prefix: "key", milliseconds: now), name: name, scopes: scopes, stores: stores,
            createdAt: Timestamp(millisecondsSinceEpoch: now), revokedAt: nil)
        let secret = "ptn_" + Identifier.randomToken(count: 40)
        let scopeList = StoredList.text(scopes.map(\.rawValue))
        try await database.write { database in
            try await database.raw(
                """
                INSERT INTO api_keys (id, name, secret_hash, scopes, stores, created_at)
                VALUES (\(bind: key.id), \(bind: name), \(bind: Self.hash(secret)), \(bind: scopeList),
                    \(bind: stores.map(StoredList.text)), \(bind: now))
                """
            ).run()
        }
        return (key, secret)
    }

    /// The active key with this secret, if any.
    public func apiKey(secret: String) async throws -> APIKey? {
        let hash = Self.hash(secret)
        return try await database.read {
            try await $0.raw(
                """
                SELECT id, name, scopes, stores, created_at, revoked_at FROM api_keys
                WHERE secret_hash = \(bind: hash) AND revoked_at IS NULL
                """
            ).first().map(Self.apiKey(from:))
        }
    }

    public func apiKeys() async throws -> [APIKey] {
        try await database.read {
            try await $0.raw("SELECT id, name, scopes, stores, created_at, revoked_at FROM api_keys ORDER BY id").all()
                .map(Self.apiKey(from:))
        }
    }

    /// Revokes a key by id; returns `false` when there is no such active key.
    public func revokeAPIKey(id: String) async throws -> Bool {
        try await database.write {
            try await $0.raw(
                """
                UPDATE api_keys SET revoked_at = \(bind: clock.milliseconds)
                WHERE id = \(bind: id) AND revoked_at IS NULL RETURNING id
                """
            ).first() != nil
        }
    }

    private static func hash(_ secret: String) -> String {
        Hex.encode(SHA256.hash(data: Data(secret.utf8)))
    }

    private static func apiKey(from row: any SQLRow) throws -> APIKey {
        APIKey(
            id: try row.decode(column: "id", as: String.self),
            name: try row.decode(column: "name", as: String.self),
            scopes: StoredList.scopes(try row.decode(column: "scopes", as: String.self)),
            stores: try row.decode(column: "stores", as: String?.self).map { Set(StoredList.values($0)) },
            createdAt: Timestamp(millisecondsSinceEpoch: try row.decode(column: "created_at", as: Int64.self)),
            revokedAt: try row.decode(column: "revoked_at", as: Int64?.self).map(
                Timestamp.init(millisecondsSinceEpoch:)))
    }
}
