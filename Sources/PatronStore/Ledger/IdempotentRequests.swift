import Foundation
import PatronCore
import SQLKit

/// Writes that may be retried: the first request under a key does the work and stores its result; a retry
/// with the same request gets the stored result; a different request under the same key is refused.
///
/// The key is claimed by a unique insert inside the work's own transaction, so simultaneous retries wait
/// for the first and then find its result.
enum IdempotentRequests {
    static func perform<Result: Codable & Sendable>(
        key: String, fingerprint: String, database: any Database,
        _ work: @escaping @Sendable (any SQLDatabase) async throws -> Result
    ) async throws -> (result: Result, isReplay: Bool) {
        do {
            let result = try await database.write { connection in
                let now = WallClock.system.milliseconds
                let claimed = try await connection.raw(
                    """
                    INSERT INTO idempotent_requests (request_key, request_fingerprint, result, created_at)
                    VALUES (\(bind: key), \(bind: fingerprint), NULL, \(bind: now))
                    ON CONFLICT (request_key) DO NOTHING RETURNING request_key
                    """
                ).first()
                guard claimed != nil else { throw AlreadyPerformed() }
                let result = try await work(connection)
                let text = String(decoding: try JSONEncoder().encode(result), as: UTF8.self)
                try await connection.raw(
                    "UPDATE idempotent_requests SET result = \(bind: text) WHERE request_key = \(bind: key)"
                ).run()
                return result
            }
            return (result, false)
        } catch is AlreadyPerformed {
            let row = try await database.read {
                try await $0.raw(
                    "SELECT request_fingerprint, result FROM idempotent_requests WHERE request_key = \(bind: key)"
                ).first()
            }
            guard let row, try row.decode(column: "request_fingerprint", as: String.self) == fingerprint,
                let text = try row.decode(column: "result", as: String?.self)
            else { throw LedgerError.keyReused(key: key) }
            return (try JSONDecoder().decode(Result.self, from: Data(text.utf8)), true)
        }
    }
}

/// Thrown inside the write so it rolls back and the stored result is read instead.
private struct AlreadyPerformed: Error {}
