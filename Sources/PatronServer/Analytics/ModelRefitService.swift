import Logging
import PatronCore
import PatronStore
import ServiceLifecycle

/// Refits the customer-base models every `interval`, inside `patron serve`, on the orders through today.
///
/// A run first compares the order count and newest order with those of the stored fit, so when nothing has
/// changed it costs one count and writes nothing.
struct ModelRefitService: Service {
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
        } catch {
            logger.error("analytics.model.failed", metadata: ["error": "\(String(reflecting: error))"])
        }
    }
}
