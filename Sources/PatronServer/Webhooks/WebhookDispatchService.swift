import AsyncHTTPClient
import Logging
import PatronCore
import PatronStore
import ServiceLifecycle

/// Runs the webhook dispatcher inside `patron serve`: while deliveries are due it sends batch after batch; when
/// none is, it sleeps until the next due time or at most a second (new events come from every node's writes,
/// so a short look-up of two partial indexes each second is how it hears of them), or until a replay
/// on this node rings the store's alarm. Once an hour it prunes the log of what is 30 days old.
struct WebhookDispatchService: Service {
    let store: Store
    let targets: WebhookTargets
    let logger: Logger
    var longestSleep: Duration = .seconds(1)

    func run() async throws {
        let client = WebhookDispatcher.makeClient()
        let dispatcher = WebhookDispatcher(store: store, client: client, targets: targets, logger: logger)
        await cancelWhenGracefulShutdown {
            // Lets the migrations of `beforeServerStarts` finish.
            do { try await Task.sleep(for: .seconds(1)) } catch { return }
            var prunedAt = ContinuousClock.now
            while !Task.isCancelled {
                do {
                    if ContinuousClock.now - prunedAt > .seconds(3_600) {
                        prunedAt = ContinuousClock.now
                        let pruned = try await store.pruneWebhookLog(asOf: store.clock.now)
                        logger.info("service.webhooks.pruned", metadata: ["events": "\(pruned)"])
                    }
                    if try await dispatcher.round() > 0 { continue }
                    var wait = longestSleep
                    if let next = try await store.nextWebhookWork() {
                        wait = min(wait, .milliseconds(max(0, next.millisecondsSinceEpoch - store.clock.milliseconds)))
                    }
                    await store.webhookAlarm.wait(upTo: wait)
                } catch {
                    logger.error("service.webhooks.failed", metadata: ["error": "\(String(reflecting: error))"])
                    do { try await Task.sleep(for: .seconds(1)) } catch { return }
                }
            }
        }
        try await client.shutdown()
    }
}
