/// When a failed send is tried again: a fixed ladder of waits, each stretched by up to a tenth at random so
/// that many sends failing together (a receiver's outage) do not all come back in step.
public struct RetrySchedule: Sendable, Hashable {
    /// The waits before the second, third … attempt, in milliseconds.
    public var waits: [Int64]

    public init(seconds: [Int64]) {
        self.waits = seconds.map { $0 * 1_000 }
    }

    /// When to try again after `attempts` failed attempts, or nil when the schedule is spent (a dead letter).
    /// `jitter` in [0, 1) picks where in the wait's last tenth.
    public func nextAttempt(after attempts: Int, at now: Int64, jitter: Double) -> Int64? {
        guard attempts >= 1, attempts <= waits.count else { return nil }
        let wait = waits[attempts - 1]
        return now + wait + Int64(Double(wait) * 0.1 * min(max(jitter, 0), 1))
    }
}
