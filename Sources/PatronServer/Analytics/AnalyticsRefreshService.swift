import Logging
import PatronCore
import PatronStore
import ServiceLifecycle

/// Every `interval`, inside `patron serve`: refits the customer-base models on the orders through today, then
/// makes the analytics page's snapshot for today and the newest fit when there is none yet, so no page waits for it.
///
/// A run first compares the order count and newest order with those of the stored fit, so when nothing has
/// changed it costs one count and one look-up, and writes nothing.
struct AnalyticsRefreshService: Service {
    let store: Store
    let interval: Duration
    let logger: Logger

    func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                // Waiting first lets the migrations of `beforeServerStarts` finish.
                do { try await Task.sleep(for: interval) } catch { return }
                await runOnce()
            }
        }
    }

    func runOnce() async {
        do {
            let today = try await store.program().program.utcOffset.date(of: store.clock.now)
            do {
                let (fit, refitted) = try await store.refitModels(asOf: today)
                if refitted {
                    logger.info(
                        "analytics.model.refitted",
                        metadata: [
                            "fit.id": "\(fit.fitID)", "fit.customers": "\(fit.customers)",
                            "fit.calibration_end": "\(fit.calibrationEnd.isoString)",
                        ])
                }
            } catch let error as AnalyticsError {
                // Too few orders is the normal state of a new program, not a failure.
                logger.debug("analytics.model.skipped", metadata: ["reason": "\(error)"])
            }
            _ = try await store.analyticsSnapshot(asOf: today)
        } catch {
            logger.error("analytics.refresh.failed", metadata: ["error": "\(String(reflecting: error))"])
        }
    }
}
