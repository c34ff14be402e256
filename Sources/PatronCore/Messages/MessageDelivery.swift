/// Where a message stands.
public enum MessageStatus: String, Sendable, Hashable, Codable, CaseIterable {
    /// Waiting until it is due.
    case queued
    /// Due inside quiet hours: waiting for them to end.
    case held
    /// Passed the guardrails and taken by a sender, not yet begun: if the sender dies, it is queued again.
    case claimed
    /// Being handed to the mail server or bridge: if the sender dies now, nobody knows whether it arrived.
    case sending
    case sent
    /// Not sent, for the reason recorded: consent, caps, no address …
    case skipped
    /// Refused for good, or every retry of the schedule failed: sent again only by hand.
    case dead
    /// Handed over, but the answer was lost (a dropped connection, a sender that died mid-send): it may have
    /// arrived, so it is not sent again by itself.
    case ambiguous

    /// Whether the message is done with, one way or another.
    public var isFinal: Bool { [.sent, .skipped, .dead, .ambiguous].contains(self) }
}

/// How a message is retried and how long a sender holds one.
public enum MessageRetry {
    /// After 1 minute, 5 minutes, 30 minutes, 2 hours and 6 hours: a day's outage of a provider is bridged, and
    /// a message is never days late.
    public static let schedule = RetrySchedule(seconds: [60, 300, 1_800, 7_200, 21_600])
    /// How long a sender holds messages it claimed but has not begun before they go back to the queue: a
    /// batch is begun within seconds, so only a sender that died loses its claim.
    public static let claimLeaseMilliseconds: Int64 = 30_000
    /// How long one message may take to hand over before it counts as ambiguous: a mail server may take 30
    /// seconds for each of a few replies.
    public static let sendLeaseMilliseconds: Int64 = 120_000
}

/// How one attempt to send a message ended.
public enum SendOutcome: Sendable, Hashable {
    /// Accepted; the server's or bridge's reference, when it gave one.
    case sent(reference: String?)
    /// Refused or not reached; `permanent` when trying again cannot help.
    case failed(error: String, permanent: Bool)
    /// Handed over but the answer never came.
    case ambiguous(String)
}
