import Logging
import PatronCore
import PatronStore
import ServiceLifecycle

/// Exchanges this node's request counts with the other nodes' through PostgreSQL four times a second.
struct RateLimitSharing: Service {
    let limiter: RateLimiter
    let store: Store
    let logger: Logger

    func run() async throws {
        while !Task.isCancelled, !Task.isShuttingDownGracefully {
            try? await Task.sleep(for: .milliseconds(250))
            let counts = limiter.takeUnreported()
            guard !counts.isEmpty else { continue }
            do {
                let window = counts[0].window
                let totals = try await store.addRequestCounts(
                    counts, forgetBefore: window - 2 * limiter.limits.windowSeconds)
                limiter.absorb(totals)
            } catch {
                logger.warning("rate_limit.share.failed", metadata: ["error": "\(error)"])
            }
        }
    }
}
