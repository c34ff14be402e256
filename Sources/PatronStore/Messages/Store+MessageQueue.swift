import Foundation
import PatronCore
import SQLKit

extension Store {
    /// Queues a message, with the template's version in force (and its channels when the request names none); a
    /// request whose natural key was queued before answers that message instead (`created` false). The member
    /// must exist and not be erased.
    public func queueMessage(
        _ request: MessageRequest, at instant: Timestamp
    ) async throws -> (
        message: MessageRecord, created: Bool
    ) {
        try await database.write { database in
            let template = try await Self.template(id: request.templateID, version: nil, in: database)
            guard
                let row = try await database.raw("SELECT erased_at FROM members WHERE id = \(bind: request.memberID)")
                    .first()
            else { throw MemberError.notFound(memberID: request.memberID) }
            if try row.decodeNil(column: "erased_at") == false { throw MemberError.erased(memberID: request.memberID) }
            var request = request
            if request.channels.isEmpty { request.channels = template.template.channels }
            let created =
                try await Self.insertMessages(
                    [request], template: template, at: instant.millisecondsSinceEpoch, in: database) == 1
            guard let message = try await Self.message(naturalKey: request.naturalKey, in: database) else {
                throw MessageError.notFound(request.naturalKey)
            }
            if message.memberID != request.memberID || message.templateID != request.templateID {
                throw MessageError.keyReused(naturalKey: request.naturalKey)
            }
            return (message, created)
        }
    }

    /// Inserts the messages whose natural keys are new; answers how many were.
    static func insertMessages(
        _ requests: [MessageRequest], template: SavedTemplate, at now: Int64, in database: any SQLDatabase
    ) async throws -> Int {
        guard !requests.isEmpty else { return 0 }
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let rows = try requests.map { request -> SQLQueryString in
            let refs = String(decoding: try encoder.encode(request.refs), as: UTF8.self)
            let channels = request.channels.map(\.rawValue).joined(separator: ",")
            return """
                (\(bind: Identifier.make(prefix: "msg", milliseconds: now)), \(bind: request.naturalKey),
                 \(bind: request.memberID), \(bind: template.templateID), \(bind: template.version),
                 \(bind: template.template.category.rawValue), \(bind: channels), \(bind: request.source), \(bind: refs),
                 'queued', 0, \(bind: request.dueAt.millisecondsSinceEpoch), \(bind: now), \(bind: now))
                """
        }
        return try await database.raw(
            """
            INSERT INTO messages (message_id, natural_key, member_id, template_id, template_version, category,
                                  channels, source, refs, status, attempts, due_at, created_at, updated_at)
            VALUES \(SQLList(rows)) ON CONFLICT (natural_key) DO NOTHING RETURNING message_id
            """
        ).all().count
    }

    static func message(naturalKey: String, in database: any SQLDatabase) async throws -> MessageRecord? {
        try await database.raw(
            "SELECT \(MessageRecord.columns) FROM messages WHERE natural_key = \(bind: naturalKey)"
        ).first().map(MessageRecord.init(row:))
    }

    /// The message and each attempt to send it.
    public func message(id: String) async throws -> (message: MessageRecord, attempts: [MessageAttempt]) {
        try await database.read { database in
            guard
                let message = try await database.raw(
                    "SELECT \(MessageRecord.columns) FROM messages WHERE message_id = \(bind: id)"
                ).first().map(MessageRecord.init(row:))
            else { throw MessageError.notFound(id) }
            let attempts = try await database.raw(
                """
                SELECT attempt, channel, started_at, outcome, detail, duration_ms FROM message_attempts
                WHERE message_id = \(bind: id) ORDER BY attempt
                """
            ).all().map { row in
                MessageAttempt(
                    attempt: try row.decode(column: "attempt", as: Int64.self),
                    channel: MessageChannel(rawValue: try row.decode(column: "channel", as: String.self)) ?? .email,
                    startedAt: Timestamp(millisecondsSinceEpoch: try row.decode(column: "started_at", as: Int64.self)),
                    outcome: try row.decode(column: "outcome", as: String.self),
                    detail: try row.decode(column: "detail", as: String?.self),
                    durationMilliseconds: try row.decode(column: "duration_ms", as: Int64.self))
            }
            return (message, attempts)
        }
    }

    /// The message log, newest first: one member's ("what did we send this person?"), one status's, or all;
    /// a page after the message id `cursor`.
    public func messages(
        memberID: String? = nil, status: MessageStatus? = nil, source: String? = nil, after cursor: String?,
        limit: Int
    ) async throws -> [MessageRecord] {
        var conditions: [SQLQueryString] = []
        if let memberID { conditions.append("member_id = \(bind: memberID)") }
        if let status { conditions.append("status = \(bind: status.rawValue)") }
        if let source { conditions.append("source = \(bind: source)") }
        if let cursor { conditions.append("message_id < \(bind: cursor)") }
        let filter: SQLQueryString = conditions.isEmpty ? "" : "WHERE \(conditions.joined(separator: " AND "))"
        return try await database.read { database in
            try await database.raw(
                """
                SELECT \(MessageRecord.columns) FROM messages \(filter)
                ORDER BY message_id DESC LIMIT \(unsafeRaw: String(limit))
                """
            ).all().map(MessageRecord.init(row:))
        }
    }

    /// How the messages from one source (`trigger:{id}`, `campaign:{id}`, `api`) stand: how many in each state,
    /// and the skipped ones by reason — a trigger's or a campaign's own report.
    public func messageSummary(
        source: String
    ) async throws -> (
        byStatus: [MessageStatus: Int], skipped: [SkipReason: Int]
    ) {
        try await database.read { database in
            var byStatus: [MessageStatus: Int] = [:]
            var skipped: [SkipReason: Int] = [:]
            for row in try await database.raw(
                """
                SELECT status, skip_reason, COUNT(*) AS count FROM messages WHERE source = \(bind: source)
                GROUP BY status, skip_reason
                """
            ).all() {
                let count = Int(try row.decode(column: "count", as: Int64.self))
                guard let status = MessageStatus(rawValue: try row.decode(column: "status", as: String.self)) else {
                    continue
                }
                byStatus[status, default: 0] += count
                if let reason = try row.decode(column: "skip_reason", as: String?.self).flatMap(SkipReason.init) {
                    skipped[reason, default: 0] += count
                }
            }
            return (byStatus, skipped)
        }
    }

    /// Sends a dead or ambiguous message again, now, with a fresh retry schedule: for an operator who fixed the
    /// cause, or who checked that an ambiguous one did not arrive.
    public func replayMessage(id: String, at instant: Timestamp) async throws -> MessageRecord {
        let now = instant.millisecondsSinceEpoch
        return try await database.write { database in
            guard
                let message = try await database.raw(
                    """
                    SELECT \(MessageRecord.columns) FROM messages WHERE message_id = \(bind: id)
                    \(MemberRepository.forUpdate(database))
                    """
                ).first().map(MessageRecord.init(row:))
            else { throw MessageError.notFound(id) }
            guard message.status == .dead || message.status == .ambiguous else {
                throw MessageError.notReplayable(messageID: id, status: message.status)
            }
            try await database.raw(
                """
                UPDATE messages SET status = 'queued', due_at = \(bind: now), attempts = 0, channel = NULL,
                    lease_until = NULL, counted_at = NULL, updated_at = \(bind: now)
                WHERE message_id = \(bind: id)
                """
            ).run()
            var replayed = message
            (replayed.status, replayed.dueAt, replayed.attempts, replayed.channel) = (.queued, instant, 0, nil)
            replayed.updatedAt = instant
            return replayed
        }
    }

    /// When the dispatcher next has work: the earliest due message, or the earliest lease to run out.
    public func nextMessageWork() async throws -> Timestamp? {
        try await database.read { database in
            let row = try await database.raw(
                """
                SELECT
                  (SELECT MIN(due_at) FROM messages WHERE status IN ('queued', 'held')) AS due,
                  (SELECT MIN(lease_until) FROM messages WHERE status IN ('claimed', 'sending')) AS lease
                """
            ).first()
            let times = [
                try row?.decode(column: "due", as: Int64?.self), try row?.decode(column: "lease", as: Int64?.self),
            ].compactMap { $0 }
            return times.min().map(Timestamp.init(millisecondsSinceEpoch:))
        }
    }
}
