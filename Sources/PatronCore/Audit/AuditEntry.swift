/// What someone did: who, to which objects, from where, under which request. Never the personal values
/// themselves, only ids.
public struct AuditEvent: Sendable, Hashable {
    public enum ActorKind: String, Sendable, Hashable, CaseIterable {
        case apiKey = "api_key"
        case staff
        /// The operator at the server's console (`patron users`, `patron keys`).
        case console
        case member
    }

    public var actorKind: ActorKind
    public var actorID: String?
    /// What was done, e.g. `updateMember`, `putRule`, `getMember` (a read of personal data).
    public var action: String
    public var objectIDs: [String]
    public var address: String?
    public var userAgent: String?
    public var requestID: String?

    public init(
        actorKind: ActorKind, actorID: String?, action: String, objectIDs: [String], address: String? = nil,
        userAgent: String? = nil, requestID: String? = nil
    ) {
        self.actorKind = actorKind
        self.actorID = actorID
        self.action = action
        self.objectIDs = objectIDs
        self.address = address
        self.userAgent = userAgent
        self.requestID = requestID
    }
}

/// One line of the audit log: an event with its place in the chain and its time.
public struct AuditEntry: Sendable, Hashable {
    /// The entry's place in the chain, from 1.
    public var sequence: Int64
    public var at: Timestamp
    public var event: AuditEvent

    public init(sequence: Int64, at: Timestamp, event: AuditEvent) {
        self.sequence = sequence
        self.at = at
        self.event = event
    }

    /// The entry as the text its hash covers: every field, each prefixed by its length in bytes, so no choice of
    /// values can make two different entries read the same.
    public var canonicalText: String {
        let fields: [String?] =
            [
                String(sequence), String(at.millisecondsSinceEpoch), event.actorKind.rawValue, event.actorID,
                event.action, String(event.objectIDs.count),
            ] + event.objectIDs + [event.address, event.userAgent, event.requestID]
        return fields.map { field in
            guard let field else { return "-;" }
            return "\(field.utf8.count):\(field);"
        }.joined()
    }
}
