import Logging
import PatronCore
import PatronStore
import ServiceLifecycle

/// Applies the program's retention policy once a (UTC) day inside `patron serve`: old events deleted, inactive
/// members anonymised, old order lines summed. A failed run is tried again at the next interval.
struct RetentionService: Service {
    let store: Store
    let interval: Duration
    let logger: Logger

    func run() async throws {
        await cancelWhenGracefulShutdown {
            var appliedOn: Int64?
            while !Task.isCancelled {
                // Waiting first lets the migrations of `beforeServerStarts` finish.
                do { try await Task.sleep(for: interval) } catch { return }
                let now = store.clock.now
                let day = now.millisecondsSinceEpoch / 86_400_000
                guard appliedOn != day else { continue }
                do {
                    let report = try await store.applyRetention(asOf: now, dryRun: false)
                    appliedOn = day
                    logger.info(
                        "privacy.retention.applied",
                        metadata: [
                            "events.deleted": "\(report.eventsDeleted)",
                            "members.anonymised": "\(report.membersAnonymised)",
                            "orders.summarised": "\(report.ordersSummarised)",
                            "lines.summarised": "\(report.linesSummarised)",
                            "feedback.texts_removed": "\(report.feedbackTextsRemoved)",
                        ])
                } catch {
                    logger.error("privacy.retention.failed", metadata: ["error": "\(String(reflecting: error))"])
                }
            }
        }
    }
}
