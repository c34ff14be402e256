/// What a person asked Patron to do with their data, when, by when it is due, and how it ended.
public struct PrivacyRequest: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        /// A copy of everything held about the person (PIPL Art. 45, GDPR Art. 15 and 20).
        case export
        /// Forgetting the person (PIPL Art. 47, GDPR Art. 17).
        case erase
    }

    public enum State: String, Sendable, Hashable, CaseIterable {
        case completed
    }

    public var id: String
    public var kind: Kind
    public var memberID: String
    public var state: State
    public var receivedAt: Timestamp
    public var dueAt: Timestamp
    public var completedAt: Timestamp?
    /// Who handled it: an API key, a staff user, the console, or the retention job.
    public var handledBy: String
    /// What was done, in counts (identities deleted, events blanked; rows exported).
    public var outcome: [String: Int64]

    public init(
        id: String, kind: Kind, memberID: String, state: State, receivedAt: Timestamp, dueAt: Timestamp,
        completedAt: Timestamp?, handledBy: String, outcome: [String: Int64]
    ) {
        self.id = id
        self.kind = kind
        self.memberID = memberID
        self.state = state
        self.receivedAt = receivedAt
        self.dueAt = dueAt
        self.completedAt = completedAt
        self.handledBy = handledBy
        self.outcome = outcome
    }

    /// Days allowed to answer. PIPL asks for "promptly" (and the national standard GB/T 35273 for 15 working
    /// days), GDPR for one month: fifteen calendar days meets both.
    public static let responseDays: Int64 = 15

    public static func due(receivedAt: Timestamp) -> Timestamp {
        Timestamp(millisecondsSinceEpoch: receivedAt.millisecondsSinceEpoch + responseDays * 86_400_000)
    }
}
