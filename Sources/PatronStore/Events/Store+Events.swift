import PatronCore
import SQLKit

/// What happened to one submitted event.
public struct EventRecording: Sendable, Hashable {
    public var messageID: String
    /// True when the message id had been seen before: the event was ignored.
    public var isDuplicate: Bool
    /// The member the event was attributed to, if any.
    public var memberID: String?
    /// Why the event was refused, nothing of it written: the email or phone its traits give belongs to
    /// another member, or its user was erased. Empty when it was recorded (or was a duplicate).
    public var refusals: [MemberError] = []

    public var isRefused: Bool { !refusals.isEmpty }
}

extension Store {
    /// Records events in one transaction. A repeated `message_id` is ignored (also its profile update);
    /// `identify` updates the member's profile, and is refused (nothing of it written, the other events
    /// still are) when its email or phone belongs to another member.
    public func recordEvents(_ events: [EventSubmission]) async throws -> [EventRecording] {
        let members = self.members
        let store = self
        let (recordings, ticketOpened) = try await database.write { database in
            let now = clock.milliseconds
            var recordings: [EventRecording] = []
            recordings.reserveCapacity(events.count)
            var ticketOpened = false
            for event in events {
                let messageID = event.messageID ?? Identifier.make(prefix: "msg", milliseconds: now)
                if let refused = try await store.refusal(of: event, messageID: messageID, in: database) {
                    recordings.append(refused)
                    continue
                }
                var memberID: String?
                if let userID = event.userID {
                    do {
                        memberID = try await members.ensure(externalID: userID, at: now, in: database).id
                    } catch MemberError.erased(let erasedID) {
                        recordings.append(
                            EventRecording(
                                messageID: messageID, isDuplicate: false, memberID: nil,
                                refusals: [.erased(memberID: erasedID)]))
                        continue
                    }
                }
                let hasPayload = !(event.properties.isEmpty && event.traits.isEmpty && event.context.isEmpty)
                let sealer =
                    if let memberID, hasPayload {
                        try await members.sealer(for: memberID, at: now, in: database)
                    } else {
                        PersonalSealer(protector: members.protector, key: nil)
                    }
                let inserted = try await database.raw(
                    """
                    INSERT INTO events (message_id, type, member_id, user_id, anonymous_id, event, properties, traits,
                                        context, occurred_at, received_at)
                    VALUES (\(bind: messageID), \(bind: event.kind.rawValue), \(bind: memberID), \(bind: event.userID),
                            \(bind: event.anonymousID), \(bind: event.event),
                            \(bind: try EventPayload.seal(event.properties, with: sealer)),
                            \(bind: try EventPayload.seal(event.traits, with: sealer)),
                            \(bind: try EventPayload.seal(event.context, with: sealer)),
                            \(bind: (event.timestamp?.millisecondsSinceEpoch ?? now)), \(bind: now))
                    ON CONFLICT (message_id) DO NOTHING RETURNING message_id
                    """
                ).first()
                if inserted != nil, event.kind == .identify, let memberID {
                    // Checked above; a claim racing in from another transaction fails this one whole.
                    try await members.apply(event.profile, to: memberID, mode: .overwrite, at: now, in: database)
                }
                if inserted != nil, event.kind == .track, let memberID, let name = event.event {
                    try await store.applyLoyalty(
                        toActivity: name, messageID: messageID, memberID: memberID,
                        occurredAt: event.timestamp ?? Timestamp(millisecondsSinceEpoch: now), at: now, in: database)
                }
                if inserted != nil, var feedback = event.feedback {
                    // A feedback id used before keeps its first content, as a replay of POST /v1/feedback does.
                    feedback.memberID = memberID
                    let (_, program) = try await store.programs.current(in: database)
                    let item = try await Self.insertFeedback(
                        feedback, fingerprint: "event:\(messageID)", at: now, members: members, program: program,
                        sentimentModels: sentimentModels,
                        in: database)
                    ticketOpened = ticketOpened || item?.ticketID != nil
                }
                recordings.append(
                    EventRecording(messageID: messageID, isDuplicate: inserted == nil, memberID: memberID))
            }
            return (recordings, ticketOpened)
        }
        if ticketOpened { deadlineAlarm.ring() }
        return recordings
    }

    /// The refused recording of an `identify` whose email or phone belongs to another member, or nil when
    /// the event can be recorded. A repeat of a recorded message stays a duplicate.
    private func refusal(
        of event: EventSubmission, messageID: String, in database: any SQLDatabase
    ) async throws -> EventRecording? {
        guard event.kind == .identify, let userID = event.userID, !event.claimedIdentities.isEmpty else { return nil }
        let memberID = try await database.raw("SELECT id FROM members WHERE external_id = \(bind: userID)").first()?
            .decode(column: "id", as: String.self)
        var owners: [IdentityKind: String] = [:]
        for claim in event.claimedIdentities {
            owners[claim.kind] = try await members.owner(of: claim.kind, value: claim.value, in: database)
        }
        let refusals = EventSubmission.refusals(owners: owners, memberID: memberID)
        guard !refusals.isEmpty else { return nil }
        let seen =
            try await database.raw("SELECT message_id FROM events WHERE message_id = \(bind: messageID)").first() != nil
        return EventRecording(
            messageID: messageID, isDuplicate: seen, memberID: memberID, refusals: seen ? [] : refusals)
    }

    /// A stored event with its payloads opened, or nil when there is none with this message id.
    public func event(messageID: String) async throws -> StoredEvent? {
        let members = self.members
        return try await database.read { database in
            guard
                let row = try await database.raw(
                    """
                    SELECT message_id, type, member_id, event, properties, traits, context, occurred_at FROM events
                    WHERE message_id = \(bind: messageID)
                    """
                ).first()
            else { return nil }
            let memberID = try row.decode(column: "member_id", as: String?.self)
            let sealer = members.opener(
                for: memberID ?? "", in: try await members.sealers(for: memberID.map { [$0] } ?? [], in: database))
            return StoredEvent(
                messageID: try row.decode(column: "message_id", as: String.self),
                type: try row.decode(column: "type", as: String.self),
                memberID: memberID,
                event: try row.decode(column: "event", as: String?.self),
                properties: try EventPayload.open(try row.decode(column: "properties", as: String.self), with: sealer),
                traits: try EventPayload.open(try row.decode(column: "traits", as: String.self), with: sealer),
                context: try EventPayload.open(try row.decode(column: "context", as: String.self), with: sealer),
                occurredAt: Timestamp(millisecondsSinceEpoch: try row.decode(column: "occurred_at", as: Int64.self)))
        }
    }

    /// The number of stored events of a member, for tests and reports.
    public func eventCount(memberID: String) async throws -> Int {
        try await database.read {
            try await $0.raw("SELECT COUNT(*) AS count FROM events WHERE member_id = \(bind: memberID)").first()?
                .decode(column: "count", as: Int.self) ?? 0
        }
    }
}
