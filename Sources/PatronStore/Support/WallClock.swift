import PatronCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Where a store reads the time its writes record: the system's real-time clock in production, a clock a
/// test sets when the time itself is under test. Decisions never read it; they are given the time.
public struct WallClock: Sendable {
    private let read: @Sendable () -> Int64

    /// A clock that answers `read()`, in milliseconds since 1970.
    public init(_ read: @escaping @Sendable () -> Int64) {
        self.read = read
    }

    /// The system's real-time clock.
    public static let system = WallClock {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        return Int64(now.tv_sec) * 1000 + Int64(now.tv_nsec) / 1_000_000
    }

    public var milliseconds: Int64 { read() }

    public var now: Timestamp { Timestamp(millisecondsSinceEpoch: read()) }
}
