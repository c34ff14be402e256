/// Where a campaign is in its life: written, waiting for its time, being queued, queued (its messages go out
/// through the dispatcher), or stopped.
public enum CampaignState: String, Sendable, Hashable, Codable, CaseIterable {
    /// Being written: the only state in which it can change.
    case draft
    /// Launched with a `send_at` still ahead.
    case scheduled
    /// Its audience is being split into arms and queued, in batches.
    case launching
    /// Every member of its audience has an arm, and every message is queued.
    case launched
    /// Stopped: messages not yet sent were skipped.
    case cancelled

    /// Whether launching it again is a retry of the same launch (it is past its draft).
    public var isLaunched: Bool { self != .draft }
}
