import Logging
import PatronCore
import PatronStore
import ServiceLifecycle

/// Runs the message dispatcher inside `patron serve`: batch after batch while messages are due; otherwise it
/// sleeps until the next is due, at most a second (other nodes queue messages too), or until a message queued
/// on this node rings the store's alarm. Every half minute it takes back messages whose sender died.
struct MessageDispatchService: Service {
    let store: Store
    let channels: MessageChannels
    let publicURL: String
    let logger: Logger
    var longestSleep: Duration = .seconds(1)

    func run() async throws {
        let dispatcher = MessageDispatcher(store: store, channels: channels, publicURL: publicURL, logger: logger)
        await cancelWhenGracefulShutdown {
            // Lets the migrations of `beforeServerStarts` finish.
            do { try await Task.sleep(for: .seconds(1)) } catch { return }
            var recoveredAt = ContinuousClock.now - .seconds(60)
            while !Task.isCancelled {
                do {
                    if ContinuousClock.now - recoveredAt > .seconds(30) {
                        recoveredAt = ContinuousClock.now
                        let recovered = try await store.recoverMessages(at: store.clock.now)
                        if recovered.requeued + recovered.ambiguous > 0 {
                            logger.warning(
                                "service.messages.recovered",
                                metadata: ["requeued": "\(recovered.requeued)", "ambiguous": "\(recovered.ambiguous)"])
                        }
                    }
                    if try await dispatcher.round() > 0 { continue }
                    var wait = longestSleep
                    if let next = try await store.nextMessageWork() {
                        wait = min(wait, .milliseconds(max(0, next.millisecondsSinceEpoch - store.clock.milliseconds)))
                    }
                    await store.messageAlarm.wait(upTo: wait)
                } catch {
                    logger.error("service.messages.failed", metadata: ["error": "\(String(reflecting: error))"])
                    do { try await Task.sleep(for: .seconds(1)) } catch { return }
                }
            }
        }
        await dispatcher.shutdown()
    }
}
