import Logging
import PatronCore
import PatronStore
import ServiceLifecycle

/// Fires ticket warnings and missed targets at their due times inside `patron serve`: it sleeps until the next
/// due time the database holds — or until a ticket write rings the store's alarm — so a deadline fires within a
/// moment of its time with no scan. After a restart the first look-up finds whatever fell due meanwhile. Another
/// node's new deadline is that node's to fire; this one looks again at least every `longestSleep` in case it died.
struct DeadlineService: Service {
    let store: Store
    let logger: Logger
    /// The longest it sleeps without a look at the database.
    var longestSleep: Duration = .seconds(30)

    func run() async throws {
        await cancelWhenGracefulShutdown {
            // Lets the migrations of `beforeServerStarts` finish.
            do { try await Task.sleep(for: .seconds(1)) } catch { return }
            while !Task.isCancelled {
                do {
                    let now = store.clock.now
                    for firing in try await store.fireDeadlines(asOf: now) {
                        logger.info(
                            "service.deadline.\(firing.kind.rawValue)",
                            metadata: [
                                "ticket.id": "\(firing.ticketID)", "deadline": "\(firing.deadline.rawValue)",
                                "ticket.priority": "\(firing.escalatedTo?.rawValue ?? "-")",
                            ])
                    }
                    var wait = longestSleep
                    if let next = try await store.nextDeadline() {
                        let milliseconds = max(0, next.millisecondsSinceEpoch - store.clock.milliseconds)
                        wait = min(wait, .milliseconds(milliseconds))
                    }
                    await store.deadlineAlarm.wait(upTo: wait)
                } catch {
                    logger.error("service.deadlines.failed", metadata: ["error": "\(String(reflecting: error))"])
                    do { try await Task.sleep(for: .seconds(1)) } catch { return }
                }
            }
        }
    }
}
