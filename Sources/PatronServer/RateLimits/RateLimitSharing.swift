import Logging
import PatronCore
import PatronStore
import ServiceLifecycle

/// Exchanges this node's request counts with the other nodes' through PostgreSQL four times a second, idle or
/// not: an idle node must still learn what the others admitted.
struct RateLimitSharing: Service {
    let limiter: RateLimiter
    let store: Store
    let logger: Logger

    func run() async throws {
        let limits = limiter.limits
        let thresholds = limits.sharedFromByClass
        while !Task.isCancelled, !Task.isShuttingDownGracefully {
            try? await Task.sleep(for: .milliseconds(250))
            let window = limits.window(at: store.clock.now)
            let counts = limiter.takeUnreported()
            do {
                let totals = try await store.exchangeRequestCounts(
                    counts, window: window,
                    sharedFrom: thresholds,
                    forgetBefore: window - 2 * limits.windowSeconds)
                limiter.absorb(totals)
            } catch {
                logger.warning("rate_limit.share.failed", metadata: ["error": "\(error)"])
            }
        }
    }
}
