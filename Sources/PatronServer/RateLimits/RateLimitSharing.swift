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
        while !Task.isCancelled, !Task.isShuttingDownGracefully {
            try? await Task.sleep(for: .milliseconds(250))
            let limits = limiter.limits
            let window = limits.window(at: store.clock.now)
            let counts = limiter.takeUnreported()
            do {
                let totals = try await store.exchangeRequestCounts(
                    counts, window: window,
                    sharedFrom: Dictionary(
                        uniqueKeysWithValues: RateLimits.RequestClass.allCases.map {
                            ($0.rawValue, limits.sharedFrom($0))
                        }),
                    forgetBefore: window - 2 * limits.windowSeconds)
                limiter.absorb(totals)
            } catch {
                logger.warning("rate_limit.share.failed", metadata: ["error": "\(error)"])
            }
        }
    }
}
