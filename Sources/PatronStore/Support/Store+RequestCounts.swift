import PatronCore
import SQLKit

/// Requests a node counted for one subject in one window since it last reported.
public struct RequestCount: Sendable, Hashable {
    public var subject: String
    public var window: Int64
    public var requests: Int64

    public init(subject: String, window: Int64, requests: Int64) {
        self.subject = subject
        self.window = window
        self.requests = requests
    }
}

extension Store {
    /// Adds this node's new requests to the shared counts of `window` and returns the shared totals of those
    /// subjects and of every subject whose total has reached its class's `sharedFrom` threshold (subjects are
    /// named `class:subject`), so an idle node and a node that has not yet seen a busy subject learn of it too.
    /// Windows that ended before `forgetBefore` are removed.
    public func exchangeRequestCounts(
        _ counts: [RequestCount], window: Int64, sharedFrom thresholds: [String: Int64], forgetBefore: Int64
    ) async throws -> [RequestCount] {
        try await database.write { database in
            var totals: [RequestCount] = []
            // One statement per 500 subjects; each (subject, window) comes once, as the caller sums its counts.
            for chunk in counts.chunks(of: 500) {
                var values = SQLQueryString("")
                for (index, count) in chunk.enumerated() {
                    if index > 0 { values = values + ", " }
                    values = values + "(\(bind: count.subject), \(bind: count.window), \(bind: count.requests))"
                }
                totals += try await Self.requestCounts(
                    "INSERT INTO rate_limit_windows (subject, window_start, requests) VALUES " + values
                        + """
                         ON CONFLICT (subject, window_start)
                        DO UPDATE SET requests = rate_limit_windows.requests + excluded.requests
                        RETURNING subject, window_start, requests
                        """, in: database)
            }
            if let lowest = thresholds.values.min() {
                let busy = try await Self.requestCounts(
                    """
                    SELECT subject, window_start, requests FROM rate_limit_windows
                    WHERE window_start = \(bind: window) AND requests >= \(bind: lowest)
                    """, in: database)
                totals += busy.filter { count in
                    let prefix = count.subject.prefix { $0 != ":" }
                    return count.requests >= thresholds[String(prefix), default: .max]
                }
            }
            try await database.raw("DELETE FROM rate_limit_windows WHERE window_start < \(bind: forgetBefore)").run()
            return totals
        }
    }

    private static func requestCounts(
        _ query: SQLQueryString, in database: any SQLDatabase
    ) async throws
        -> [RequestCount]
    {
        try await database.raw(query).all().map {
            RequestCount(
                subject: try $0.decode(column: "subject", as: String.self),
                window: try $0.decode(column: "window_start", as: Int64.self),
                requests: try $0.decode(column: "requests", as: Int64.self))
        }
    }
}
