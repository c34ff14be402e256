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
    /// Adds each node's new requests to the shared counts and returns the totals, which include other nodes'.
    /// Windows that ended before `forgetBefore` are removed.
    public func addRequestCounts(_ counts: [RequestCount], forgetBefore: Int64) async throws -> [RequestCount] {
        try await database.write { database in
            var totals: [RequestCount] = []
            // One statement per 500 subjects; each (subject, window) comes once, as the caller sums its counts.
            for chunk in counts.chunks(of: 500) {
                var values = SQLQueryString("")
                for (index, count) in chunk.enumerated() {
                    if index > 0 { values = values + ", " }
                    values = values + "(\(bind: count.subject), \(bind: count.window), \(bind: count.requests))"
                }
                let rows = try await database.raw(
                    "INSERT INTO rate_limit_windows (subject, window_start, requests) VALUES " + values
                        + """
                         ON CONFLICT (subject, window_start)
                        DO UPDATE SET requests = rate_limit_windows.requests + excluded.requests
                        RETURNING subject, window_start, requests
                        """
                ).all()
                totals += try rows.map {
                    RequestCount(
                        subject: try $0.decode(column: "subject", as: String.self),
                        window: try $0.decode(column: "window_start", as: Int64.self),
                        requests: try $0.decode(column: "requests", as: Int64.self))
                }
            }
            try await database.raw("DELETE FROM rate_limit_windows WHERE window_start < \(bind: forgetBefore)").run()
            return totals
        }
    }
}
