import PatronCore
import PatronStore
import Synchronization

/// Counts admitted requests per subject and class in the current window, in memory, and decides each request by
/// `RateLimits`. On PostgreSQL, `RateLimitSharing` adds each node's new counts to shared ones a few times a second,
/// so several nodes spend one budget; a refused request is not counted, so a flood ends with its window.
final class RateLimiter: Sendable {
    let limits: RateLimits

    private struct Counter {
        /// The total across nodes at the last exchange (this node's reported requests included).
        var shared: Int64 = 0
        /// Admitted here since the last exchange.
        var unreported: Int64 = 0
    }

    private struct State {
        var window: Int64 = 0
        var counters: [String: Counter] = [:]
    }

    private let state = Mutex(State())

    init(limits: RateLimits) {
        self.limits = limits
    }

    /// Counts a request of `requestClass` by `subject` at `now` if the budget allows it.
    func admit(subject: String, _ requestClass: RateLimits.RequestClass, at now: Timestamp) -> RateDecision {
        let window = limits.window(at: now)
        let name = requestClass.rawValue + ":" + subject
        return state.withLock { state in
            if window != state.window {
                state.window = window
                state.counters.removeAll(keepingCapacity: true)
            }
            var counter = state.counters[name, default: Counter()]
            let decision = limits.decide(
                requestClass, count: Int(counter.shared + counter.unreported + 1), at: now)
            if decision.allowed {
                counter.unreported += 1
                state.counters[name] = counter
            }
            return decision
        }
    }

    /// The requests admitted since the last exchange, now counted as reported.
    func takeUnreported() -> [RequestCount] {
        state.withLock { state in
            var counts: [RequestCount] = []
            for (name, counter) in state.counters where counter.unreported > 0 {
                counts.append(RequestCount(subject: name, window: state.window, requests: counter.unreported))
                state.counters[name]?.shared += counter.unreported
                state.counters[name]?.unreported = 0
            }
            return counts
        }
    }

    /// Takes the shared totals an exchange returned.
    func absorb(_ totals: [RequestCount]) {
        state.withLock { state in
            // A node idle since the last window first learns of the new one here.
            if let newest = totals.map(\.window).max(), newest > state.window {
                state.window = newest
                state.counters.removeAll(keepingCapacity: true)
            }
            for total in totals where total.window == state.window {
                state.counters[total.subject, default: Counter()].shared = max(
                    state.counters[total.subject]?.shared ?? 0, total.requests)
            }
        }
    }
}
