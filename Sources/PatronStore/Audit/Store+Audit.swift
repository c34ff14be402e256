import Crypto
import Foundation
import PatronCore
import SQLKit

/// What to list from the audit log: every filter optional, newest first.
public struct AuditQuery: Sendable {
    public var actorID: String?
    public var objectID: String?
    public var action: String?
    public var from: Timestamp?
    public var to: Timestamp?
    public var limit: Int
    /// Entries before this sequence number (the previous page's cursor).
    public var before: Int64?

    public init(
        actorID: String? = nil, objectID: String? = nil, action: String? = nil, from: Timestamp? = nil,
        to: Timestamp? = nil, limit: Int = 100, before: Int64? = nil
    ) {
        self.actorID = actorID
        self.objectID = objectID
        self.action = action
        self.from = from
        self.to = to
        self.limit = limit
        self.before = before
    }
}

/// An entry as stored, with the hashes that chain it.
public struct AuditRecord: Sendable, Hashable {
    public var entry: AuditEntry
    public var previousHash: String
    public var hash: String

    /// SHA-256 of the previous entry's hash followed by this entry's canonical text, in hex.
    public static func chainHash(previous: String, entry: AuditEntry) -> String {
        Hex.encode(SHA256.hash(data: Data((previous + entry.canonicalText).utf8)))
    }
}

/// The result of walking the audit chain.
public struct AuditVerification: Sendable, Hashable {
    /// The first entry that does not follow from the one before, and why.
    public struct Break: Sendable, Hashable {
        public var sequence: Int64
        public var reason: String

        public init(sequence: Int64, reason: String) {
            self.sequence = sequence
            self.reason = reason
        }
    }

    /// Entries found intact, from the first.
    public var checked: Int64
    /// The hash of the last intact entry: kept elsewhere, it shows later whether entries after it vanished.
    public var headHash: String
    public var firstBreak: Break?
}

extension Store {
    /// The hash the first entry chains to.
    static let auditGenesis = String(repeating: "0", count: 64)

    /// Appends `event` at the end of the chain, in its own transaction.
    @discardableResult
    public func audit(_ event: AuditEvent) async throws -> AuditEntry {
        let now = clock.now
        let engine = database.engine
        return try await database.write { database in
            if engine == .postgres {
                // One appender at a time, so each entry chains to the one before it.
                try await database.raw("SELECT pg_advisory_xact_lock(7274767)").run()
            }
            let head = try await database.raw(
                "SELECT sequence, hash FROM audit_log ORDER BY sequence DESC LIMIT 1"
            ).first()
            let sequence = (try head?.decode(column: "sequence", as: Int64.self) ?? 0) + 1
            let previousHash = try head?.decode(column: "hash", as: String.self) ?? Self.auditGenesis
            let entry = AuditEntry(sequence: sequence, at: now, event: event)
            let objects = String(decoding: try JSONEncoder().encode(event.objectIDs), as: UTF8.self)
            try await database.raw(
                """
                INSERT INTO audit_log (sequence, at, actor_kind, actor_id, action, object_ids, address, user_agent,
                    request_id, previous_hash, hash)
                VALUES (\(bind: sequence), \(bind: now.millisecondsSinceEpoch), \(bind: event.actorKind.rawValue),
                    \(bind: event.actorID), \(bind: event.action), \(bind: objects), \(bind: event.address),
                    \(bind: event.userAgent), \(bind: event.requestID), \(bind: previousHash),
                    \(bind: AuditRecord.chainHash(previous: previousHash, entry: entry)))
                """
            ).run()
            for objectID in Set(event.objectIDs) {
                try await database.raw(
                    "INSERT INTO audit_objects (object_id, sequence) VALUES (\(bind: objectID), \(bind: sequence))"
                ).run()
            }
            return entry
        }
    }

    /// Entries matching `query`, newest first.
    public func auditEntries(_ query: AuditQuery) async throws -> Page<AuditRecord> {
        let limit = query.limit
        return try await database.read { database in
            var sql = SQLQueryString("SELECT l.* FROM audit_log l")
            if let objectID = query.objectID {
                sql = sql + " JOIN audit_objects o ON o.sequence = l.sequence AND o.object_id = \(bind: objectID)"
            }
            sql = sql + " WHERE 1 = 1"
            if let actorID = query.actorID { sql = sql + " AND l.actor_id = \(bind: actorID)" }
            if let action = query.action { sql = sql + " AND l.action = \(bind: action)" }
            if let from = query.from { sql = sql + " AND l.at >= \(bind: from.millisecondsSinceEpoch)" }
            if let to = query.to { sql = sql + " AND l.at < \(bind: to.millisecondsSinceEpoch)" }
            if let before = query.before { sql = sql + " AND l.sequence < \(bind: before)" }
            sql = sql + " ORDER BY l.sequence DESC LIMIT \(bind: limit + 1)"
            let records = try await database.raw(sql).all().map(Self.auditRecord(from:))
            let page = Array(records.prefix(limit))
            return Page(
                items: page, nextCursor: records.count > limit ? page.last.map { String($0.entry.sequence) } : nil)
        }
    }

    /// Walks the whole chain in order, recomputing every hash.
    public func verifyAuditChain() async throws -> AuditVerification {
        var expectedSequence: Int64 = 1
        var previousHash = Self.auditGenesis
        while true {
            let after = expectedSequence - 1
            let rows = try await database.read { database in
                try await database.raw(
                    "SELECT * FROM audit_log WHERE sequence > \(bind: after) ORDER BY sequence LIMIT 1000"
                ).all().map(Self.auditRecord(from:))
            }
            if rows.isEmpty { break }
            for row in rows {
                let reason: String? =
                    if row.entry.sequence != expectedSequence {
                        "entry \(expectedSequence) is missing"
                    } else if row.previousHash != previousHash {
                        "it does not chain to the entry before it"
                    } else if AuditRecord.chainHash(previous: previousHash, entry: row.entry) != row.hash {
                        "its content does not match its hash"
                    } else {
                        nil
                    }
                if let reason {
                    return AuditVerification(
                        checked: expectedSequence - 1, headHash: previousHash,
                        firstBreak: AuditVerification.Break(sequence: expectedSequence, reason: reason))
                }
                previousHash = row.hash
                expectedSequence += 1
            }
        }
        return AuditVerification(checked: expectedSequence - 1, headHash: previousHash, firstBreak: nil)
    }

    static func auditRecord(from row: any SQLRow) throws -> AuditRecord {
        let objects = try row.decode(column: "object_ids", as: String.self)
        let entry = AuditEntry(
            sequence: try row.decode(column: "sequence", as: Int64.self),
            at: Timestamp(millisecondsSinceEpoch: try row.decode(column: "at", as: Int64.self)),
            event: AuditEvent(
                actorKind: AuditEvent.ActorKind(rawValue: try row.decode(column: "actor_kind", as: String.self))
                    ?? .console,
                actorID: try row.decode(column: "actor_id", as: String?.self),
                action: try row.decode(column: "action", as: String.self),
                objectIDs: (try? JSONDecoder().decode([String].self, from: Data(objects.utf8))) ?? [],
                address: try row.decode(column: "address", as: String?.self),
                userAgent: try row.decode(column: "user_agent", as: String?.self),
                requestID: try row.decode(column: "request_id", as: String?.self)))
        return AuditRecord(
            entry: entry, previousHash: try row.decode(column: "previous_hash", as: String.self),
            hash: try row.decode(column: "hash", as: String.self))
    }
}
