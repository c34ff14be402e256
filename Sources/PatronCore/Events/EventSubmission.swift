/// A Segment-style behaviour event (`track`) or profile update (`identify`), validated.
public struct EventSubmission: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        case track
        case identify
    }

    public var kind: Kind
    /// The member's external id.
    public var userID: String?
    public var anonymousID: String?
    /// The event name, required for `track`.
    public var event: String?
    public var properties: [String: JSONValue]
    public var traits: [String: JSONValue]
    public var context: [String: JSONValue]
    public var timestamp: Timestamp?
    /// The sender's unique id of this message; a repeat is ignored.
    public var messageID: String?
    /// The profile fields read from `traits` (for `identify`).
    public var profile: MemberProfile
    /// The feedback a `Feedback Submitted` track event carries in its properties; its member is the event's.
    public var feedback: FeedbackSubmission?

    /// The track event whose properties are feedback, as `POST /v1/feedback` takes it.
    public static let feedbackEvent = "Feedback Submitted"

    /// The largest encoded event accepted, in bytes.
    public static let maximumBytes = 32 * 1024
    public static let maximumBatchCount = 500
    public static let maximumBatchBytes = 512 * 1024

    /// Validates one event received at `now`; `pointer` prefixes error locations (e.g. `/batch/3`).
    public static func parse(
        _ value: JSONValue, pointer: String = "", receivedAt now: Timestamp
    ) throws(ValidationFailure) -> EventSubmission {
        var reader = FieldReader(value, pointer: pointer)
        var kind: Kind?
        if let type = reader.string("type", required: true, maxLength: 16) {
            kind = Kind(rawValue: type)
            if kind == nil { reader.fail("type", "must be track or identify") }
        }
        let userID = reader.string("user_id", maxLength: 128)?.trimmingWhitespace()
        let anonymousID = reader.string("anonymous_id", maxLength: 128)
        if (userID ?? "").isEmpty, (anonymousID ?? "").isEmpty {
            reader.fail("user_id", "is required unless anonymous_id is given")
        }
        let event = reader.string("event", required: kind == .track, maxLength: 200)
        let properties = reader.object("properties") ?? [:]
        let traits = reader.object("traits") ?? [:]
        let context = reader.object("context") ?? [:]
        let timestamp = reader.timestamp("timestamp")
        let messageID = reader.string("message_id", maxLength: 200)

        var traitsReader = FieldReader(.object(traits), pointer: reader.path("traits"))
        let profile = MemberProfile.read(from: &traitsReader, externalIDKey: nil)
        reader.absorb(traitsReader.errors)
        var feedback: FeedbackSubmission?
        if kind == .track, event == feedbackEvent {
            do {
                feedback = try Self.feedback(
                    properties, messageID: messageID, timestamp: timestamp, pointer: reader.path("properties"),
                    receivedAt: now)
            } catch {
                reader.absorb(error.errors)
            }
        }
        try reader.finish()
        guard let kind else { throw ValidationFailure(pointer: reader.path("type"), detail: "is required") }
        return EventSubmission(
            kind: kind, userID: userID.flatMap { $0.isEmpty ? nil : $0 }, anonymousID: anonymousID, event: event,
            properties: properties, traits: traits, context: context, timestamp: timestamp, messageID: messageID,
            profile: profile, feedback: feedback)
    }

    /// A feedback event's properties read as `POST /v1/feedback` reads its body: `feedback_id` defaults to the
    /// message id, `channel` to `app`, `submitted_at` to the event's time; the member is the event's user.
    private static func feedback(
        _ properties: [String: JSONValue], messageID: String?, timestamp: Timestamp?, pointer: String,
        receivedAt now: Timestamp
    ) throws(ValidationFailure) -> FeedbackSubmission {
        if properties["member_id"] != nil {
            throw ValidationFailure(
                pointer: "\(pointer)/member_id", detail: "must not be given: the event's user_id is the member")
        }
        var body = properties
        if body["feedback_id"] == nil, let messageID { body["feedback_id"] = .string(messageID) }
        if body["channel"] == nil { body["channel"] = "app" }
        if body["submitted_at"] == nil, let timestamp { body["submitted_at"] = .string(timestamp.rfc3339) }
        return try FeedbackSubmission.parse(.object(body), pointer: pointer, receivedAt: now)
    }
}

extension EventSubmission {
    /// The identities an `identify` claims for its member: the normalised email and phone of its traits.
    public var claimedIdentities: [(kind: IdentityKind, value: String)] {
        guard kind == .identify else { return [] }
        var claims: [(kind: IdentityKind, value: String)] = []
        if let email = profile.email { claims.append((.email, email.value)) }
        if let phone = profile.phone { claims.append((.phone, phone.e164)) }
        return claims
    }

    /// Why an `identify` by `memberID` (nil for a member not created yet) cannot apply: each claimed identity
    /// that `owners` says belongs to another member. An email or phone identifies one member, as for
    /// `POST /v1/members`; it is never moved over silently.
    public static func refusals(owners: [IdentityKind: String], memberID: String?) -> [MemberError] {
        IdentityKind.allCases.compactMap { kind in
            guard let owner = owners[kind], owner != memberID else { return nil }
            return .identityTaken(kind: kind, ownerID: owner)
        }
    }
}
