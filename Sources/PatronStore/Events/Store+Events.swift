import PatronCore
import SQLKit

/// What happened to one submitted event.
public struct EventRecording: Sendable, Hashable {
    public var messageID: String
    /// True when the message id had been seen before: the event was ignored.
    public var isDuplicate: Bool
    /// The member the event was attributed to, if any.
    public var memberID: String?
}

extension Store {
    /// Records events in one transaction: all of them or none. A repeated `message_id` is ignored
    /// (also its profile update); `identify` updates the member's profile.
    public func recordEvents(_ events: [EventSubmission]) async throws -> [EventRecording] {
        let members = self.members
        let store = self
        return try await database.write { database in
            let now = Clock.nowMilliseconds()
            var recordings: [EventRecording] = []
            recordings.reserveCapacity(events.count)
            for event in events {
                let messageID = event.messageID ?? Identifier.make(prefix: "msg", milliseconds: now)
                var memberID: String?
                if let userID = event.userID {
                    memberID = try await members.ensure(externalID: userID, at: now, in: database).id
                }
                let inserted = try await database.raw(
                    """
                    INSERT INTO events (message_id, type, member_id, user_id, anonymous_id, event, properties, traits,
                                        context, occurred_at, received_at)
                    VALUES (\(bind: messageID), \(bind: event.kind.rawValue), \(bind: memberID), \(bind: event.userID),
                            \(bind: event.anonymousID), \(bind: event.event),
                            \(bind: try JSONCoding.encode(.object(event.properties))),
                            \(bind: try JSONCoding.encode(.object(event.traits))),
                            \(bind: try JSONCoding.encode(.object(event.context))),
                            \(bind: (event.timestamp?.millisecondsSinceEpoch ?? now)), \(bind: now))
                    ON CONFLICT (message_id) DO NOTHING RETURNING message_id
                    """
                ).first()
                if inserted != nil, event.kind == .identify, let memberID {
                    // Traits naming an email or phone that belongs to someone else are not moved over.
                    try await members.apply(
                        event.profile, to: memberID, mode: .fillBlanksForIdentities, at: now, in: database)
                }
                if inserted != nil, event.kind == .track, let memberID, let name = event.event {
                    try await store.applyLoyalty(
                        toActivity: name, messageID: messageID, memberID: memberID,
                        occurredAt: event.timestamp ?? Timestamp(millisecondsSinceEpoch: now), at: now, in: database)
                }
                recordings.append(
                    EventRecording(messageID: messageID, isDuplicate: inserted == nil, memberID: memberID))
            }
            return recordings
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
