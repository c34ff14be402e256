/// When a failed webhook delivery is tried again, and when an endpoint is given up on. The schedule is Standard
/// Webhooks' own (immediately, then 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h: about 28 hours in all), each wait
/// stretched by up to a tenth at random so that endpoints recovering from an outage are not hit in step.
public enum WebhookRetry {
    public static let schedule = RetrySchedule(seconds: [5, 300, 1_800, 7_200, 18_000, 36_000, 36_000])
    /// The waits before the second, third … attempt, in milliseconds.
    public static var waits: [Int64] { schedule.waits }
    /// An endpoint that has answered no delivery for this long is disabled, with the reason recorded.
    public static let failingLimitMilliseconds: Int64 = 5 * 24 * 3_600 * 1_000
    /// How long a sender holds a claimed delivery before another may take it: twice as long as a request may
    /// last, so only a sender that died loses its claim.
    public static let leaseMilliseconds: Int64 = 30_000
    /// How long one request may take.
    public static let timeoutMilliseconds: Int64 = 15_000

    /// When to try again after `attempts` failed attempts, or nil when the schedule is spent (a dead letter).
    public static func nextAttempt(after attempts: Int, at now: Int64, jitter: Double) -> Int64? {
        schedule.nextAttempt(after: attempts, at: now, jitter: jitter)
    }
}

/// How one attempt to deliver ended, as the receiver's answer says.
public enum WebhookAttemptOutcome: Sendable, Hashable {
    /// A 2xx answer.
    case delivered(status: Int)
    /// 410 Gone: the receiver says the endpoint is no more; it is disabled and nothing more is sent.
    case gone
    /// Any other answer, or none (refused, timed out, reset).
    case failed(status: Int?, error: String)

    public init(status: Int) {
        switch status {
        case 200..<300: self = .delivered(status: status)
        case 410: self = .gone
        default: self = .failed(status: status, error: "answered \(status)")
        }
    }

    public var status: Int? {
        switch self {
        case .delivered(let status): status
        case .gone: 410
        case .failed(let status, _): status
        }
    }
}

/// Where a delivery stands.
public enum WebhookDeliveryStatus: String, Sendable, Hashable, Codable, CaseIterable {
    /// Waiting for its first or next attempt.
    case pending
    case delivered
    /// Every attempt of the schedule failed, or its endpoint was disabled: kept in the log, sent again only by hand.
    case dead
}
