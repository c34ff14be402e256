/// How many requests a subject (a key, a person, a member, or a client address) may make in a window, per class
/// of request: signing in, reading and writing each have their own budget, so a flood of one does not starve the
/// others.
public struct RateLimits: Sendable, Hashable {
    public enum RequestClass: String, Sendable, Hashable, CaseIterable {
        case signIn = "sign_in"
        case read
        case write
    }

    public var windowSeconds: Int64
    public var budgets: [RequestClass: Int]

    public init(windowSeconds: Int64 = 60, budgets: [RequestClass: Int]) {
        self.windowSeconds = windowSeconds
        self.budgets = budgets
    }

    /// Per minute: 30 sign-ins per address; 60,000 reads and 120,000 writes per key or person (1,000 and 2,000 a
    /// second, above what one till system sends, so only a runaway client meets them).
    public static let standard = RateLimits(budgets: [.signIn: 30, .read: 60_000, .write: 120_000])

    /// Parses `read=6000,write=3000,sign_in=10` (per minute); classes not named keep the standard budget.
    public static func parse(_ text: String) -> RateLimits? {
        var limits = standard
        for part in text.split(separator: ",") {
            let pair = part.split(separator: "=", maxSplits: 1).map { String($0).trimmingWhitespace() }
            guard pair.count == 2, let requestClass = RequestClass(rawValue: pair[0]), let budget = Int(pair[1]),
                budget > 0
            else { return nil }
            limits.budgets[requestClass] = budget
        }
        return limits
    }

    /// Requests of `requestClass` at which a subject's total is worth every node's knowing: a tenth of the budget.
    /// A node learns the totals of its own subjects and of every subject at or above this anywhere, so several
    /// nodes together admit at most a tenth of a budget more than it, besides what arrives between two exchanges.
    public func sharedFrom(_ requestClass: RequestClass) -> Int64 {
        Int64(max(1, (budgets[requestClass] ?? Int.max) / 10))
    }

    /// `sharedFrom` for every class, by the class's name (the prefix of a shared subject's name).
    public var sharedFromByClass: [String: Int64] {
        Dictionary(uniqueKeysWithValues: RequestClass.allCases.map { ($0.rawValue, sharedFrom($0)) })
    }

    /// The window holding `now`, as its start in seconds since 1970.
    public func window(at now: Timestamp) -> Int64 {
        let seconds = now.millisecondsSinceEpoch / 1_000
        return seconds - seconds % windowSeconds
    }

    /// Whether a request is let through when the window already holds `count` requests of its class, this one
    /// included, and what to tell the client.
    public func decide(_ requestClass: RequestClass, count: Int, at now: Timestamp) -> RateDecision {
        let limit = budgets[requestClass] ?? Int.max
        let resetSeconds = window(at: now) + windowSeconds - now.millisecondsSinceEpoch / 1_000
        return RateDecision(
            allowed: count <= limit, limit: limit, remaining: max(0, limit - count), resetSeconds: resetSeconds,
            windowSeconds: windowSeconds)
    }
}

/// The outcome for one request, with what the `RateLimit` headers tell the client.
public struct RateDecision: Sendable, Hashable {
    public var allowed: Bool
    public var limit: Int
    public var remaining: Int
    /// Seconds until the window ends and the budget is whole again.
    public var resetSeconds: Int64
    public var windowSeconds: Int64
}
