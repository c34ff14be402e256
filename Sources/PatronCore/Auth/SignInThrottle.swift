/// How failed sign-ins slow the next attempt: a few are free, then each failure doubles the wait, up to a cap;
/// an account (not an address, which many people may share) is locked after too many, until an owner lifts it.
public struct SignInThrottle: Sendable, Hashable {
    public var freeFailures: Int
    public var maximumDelayMilliseconds: Int64
    /// Failures after which only an owner can let the subject try again; `nil` for never.
    public var lockOutAfter: Int?
    /// A run of failures this old is forgotten (a lock-out is not).
    public var forgetAfterMilliseconds: Int64

    public init(freeFailures: Int, maximumDelayMilliseconds: Int64, lockOutAfter: Int?, forgetAfterMilliseconds: Int64)
    {
        self.freeFailures = freeFailures
        self.maximumDelayMilliseconds = maximumDelayMilliseconds
        self.lockOutAfter = lockOutAfter
        self.forgetAfterMilliseconds = forgetAfterMilliseconds
    }

    /// Per account: three free tries, then 1 s, 2 s, 4 s …; locked after ten failures within a day of each other.
    public static let account = SignInThrottle(
        freeFailures: 3, maximumDelayMilliseconds: 15 * 60_000, lockOutAfter: 10,
        forgetAfterMilliseconds: 24 * 3_600_000)
    /// Per client address: more free tries, since an office or a mobile network shares one; never locked.
    public static let address = SignInThrottle(
        freeFailures: 10, maximumDelayMilliseconds: 15 * 60_000, lockOutAfter: nil,
        forgetAfterMilliseconds: 3_600_000)

    public enum Verdict: Sendable, Hashable {
        case allowed
        case wait(until: Timestamp)
        case lockedOut
    }

    /// Whether an attempt at `now` may be checked, after `failures` failures in a row, the last at `lastFailure`.
    public func verdict(failures: Int, lastFailure: Timestamp?, at now: Timestamp) -> Verdict {
        if let lockOutAfter, failures >= lockOutAfter { return .lockedOut }
        guard failures >= freeFailures, let lastFailure, !isForgotten(lastFailure: lastFailure, at: now) else {
            return .allowed
        }
        let delay = delayMilliseconds(afterFailures: failures)
        let until = Timestamp(millisecondsSinceEpoch: lastFailure.millisecondsSinceEpoch + delay)
        return until > now ? .wait(until: until) : .allowed
    }

    /// Whether a failure at `now` starts a new run instead of adding to the one that ended at `lastFailure`.
    public func isForgotten(lastFailure: Timestamp, at now: Timestamp) -> Bool {
        now.millisecondsSinceEpoch - lastFailure.millisecondsSinceEpoch > forgetAfterMilliseconds
    }

    /// 1 s after the first failure past the free ones, doubling with each further failure, capped.
    public func delayMilliseconds(afterFailures failures: Int) -> Int64 {
        guard failures >= freeFailures else { return 0 }
        let doublings = failures - freeFailures
        guard doublings < 40 else { return maximumDelayMilliseconds }
        return min(1_000 << Int64(doublings), maximumDelayMilliseconds)
    }
}
