/// How long a signed-in staff session lives: it ends after a spell of idleness or a fixed span, whichever
/// comes first, and records activity at most once a minute so reads do not turn into writes.
public struct SessionPolicy: Sendable, Hashable {
    public var idleMilliseconds: Int64
    public var absoluteMilliseconds: Int64
    public var touchEveryMilliseconds: Int64

    public init(idleMilliseconds: Int64, absoluteMilliseconds: Int64, touchEveryMilliseconds: Int64 = 60_000) {
        self.idleMilliseconds = idleMilliseconds
        self.absoluteMilliseconds = absoluteMilliseconds
        self.touchEveryMilliseconds = touchEveryMilliseconds
    }

    /// 30 minutes idle, 12 hours in all: a working day, signed in once.
    public static let standard = SessionPolicy(idleMilliseconds: 30 * 60_000, absoluteMilliseconds: 12 * 3_600_000)

    /// When a session started at `started` and last seen at `lastSeen` ends.
    public func expiry(started: Timestamp, lastSeen: Timestamp) -> Timestamp {
        Timestamp(
            millisecondsSinceEpoch: min(
                lastSeen.millisecondsSinceEpoch + idleMilliseconds,
                started.millisecondsSinceEpoch + absoluteMilliseconds))
    }

    public func isLive(started: Timestamp, lastSeen: Timestamp, at now: Timestamp) -> Bool {
        now < expiry(started: started, lastSeen: lastSeen)
    }

    /// Whether a request at `now` should move the session's last-seen time.
    public func shouldTouch(lastSeen: Timestamp, at now: Timestamp) -> Bool {
        now.millisecondsSinceEpoch - lastSeen.millisecondsSinceEpoch >= touchEveryMilliseconds
    }
}
