import Logging
import PatronCore
import PatronStore
import ServiceLifecycle

/// Queues launched campaigns inside `patron serve`: each scheduled one when its time comes, each launching one
/// no live node is queueing (a node that died leaves its cursor and its lease runs out). Looks every second, or
/// at once when a campaign is launched on this node.
struct CampaignService: Service {
    let store: Store
    let logger: Logger
    var longestSleep: Duration = .seconds(1)

    func run() async throws {
        await cancelWhenGracefulShutdown {
            // Lets the migrations of `beforeServerStarts` finish.
            do { try await Task.sleep(for: .seconds(1)) } catch { return }
            while !Task.isCancelled {
                do {
                    for id in try await store.dueCampaigns(at: store.clock.now) {
                        let run = try await store.runCampaign(id: id, at: store.clock.now)
                        if run.queued > 0 || run.finished {
                            logger.info(
                                "campaigns.queued",
                                metadata: [
                                    "campaign.id": "\(id)", "members": "\(run.queued)", "finished": "\(run.finished)",
                                ])
                        }
                    }
                    await store.campaignAlarm.wait(upTo: longestSleep)
                } catch {
                    logger.error("campaigns.failed", metadata: ["error": "\(String(reflecting: error))"])
                    do { try await Task.sleep(for: .seconds(5)) } catch { return }
                }
            }
        }
    }
}
