/// Which time step a one-time code (RFC 6238) may match: the current one or a neighbour, to allow for a phone's
/// clock drifting by up to one step, and never a step at or before the last one used, so a code seen over
/// someone's shoulder cannot be replayed.
public enum OneTimeCodeWindow {
    public static let stepSeconds: Int64 = 30
    public static let toleratedSteps: Int64 = 1

    /// The step at `now`.
    public static func step(at now: Timestamp) -> Int64 {
        now.millisecondsSinceEpoch / 1_000 / stepSeconds
    }

    /// The steps to try, newest last, after excluding those at or before `lastUsed`.
    public static func candidateSteps(at now: Timestamp, lastUsed: Int64?) -> [Int64] {
        let current = step(at: now)
        return (current - toleratedSteps...current + toleratedSteps).filter { $0 > (lastUsed ?? Int64.min) }
    }
}
