import PatronCore
import PatronStore
import Synchronization

/// API keys as recently read, so a busy or flooding key costs a dictionary look-up instead of a query per request.
/// An entry lives five seconds: a revoked key stops working on every node within that time. Unknown secrets are
/// remembered too, so guessing does not reach the database either.
final class APIKeyCache: Sendable {
    static let lifetimeMilliseconds: Int64 = 5_000
    static let capacity = 10_000

    private struct Entry {
        var key: APIKey?
        var readAt: Int64
    }

    private let entries = Mutex<[String: Entry]>([:])
    let store: Store

    init(store: Store) {
        self.store = store
    }

    func key(secret: String) async throws -> APIKey? {
        let now = store.clock.milliseconds
        if let entry = entries.withLock({ $0[secret] }), now - entry.readAt < Self.lifetimeMilliseconds {
            return entry.key
        }
        let key = try await store.apiKey(secret: secret)
        entries.withLock { entries in
            if entries.count >= Self.capacity { entries.removeAll(keepingCapacity: true) }
            entries[secret] = Entry(key: key, readAt: now)
        }
        return key
    }
}
