import AsyncHTTPClient
import Foundation
import NIOHTTP1
import PatronStore
import PatronTestSupport
import Testing

/// Webhooks survive a crash: the server is killed (SIGKILL) in the middle of a load of orders while it posts their
/// events to a real receiver on loopback; after a restart every acknowledged order's event arrives, a repeat
/// only ever carries the id it had (the claims in flight at the kill), and no event arrives under two ids.
@Suite(.serialized, .timeLimit(.minutes(5))) struct WebhookCrashTests {
    @Test(arguments: TestDatabase.engines)
    func killedWhileDeliveringItLosesNoEventOfAnAcknowledgedOrder(engine: DatabaseEngine) async throws {
        let receiver = WebhookReceiver()
        try await receiver.run { url in
            try await TestDatabase.withURL(engine) { databaseURL in
                let environment = [
                    "PATRON_DATA_KEY": TestDatabase.makeDataKey(), "PATRON_WEBHOOK_ALLOW_PRIVATE": "1",
                ]
                let key = try await CrashRecoveryTests.adminKey(databaseURL, environment)
                let start = { @Sendable in
                    try await ServerProcess.start(
                        databaseURL: databaseURL.argument, environment: environment, client: .shared)
                }
                let server = try await start()
                let endpoint = try await server.send(
                    .POST, "/v1/webhooks/endpoints", body: ["url": url, "event_types": ["order.recorded"]], key: key,
                    client: .shared)
                try #require(endpoint.status == 201, "\(endpoint.json)")
                // Killed once events are on their way, with orders still arriving.
                let (_, load) = try await CrashRecoveryTests.load(on: server, key: key, stoppingAfter: 150) {
                    for _ in 0..<500 where receiver.received.isEmpty { try await Task.sleep(for: .milliseconds(10)) }
                    await server.kill()
                }
                #expect(load.failures.isEmpty)
                #expect(!receiver.received.isEmpty, "the kill came while events were being delivered")

                let restarted = try await start()
                let wanted = Set(load.acknowledged.map { "crash-\($0)" })
                // Deliveries claimed by the killed server are sent again when their 30-second lease runs out.
                var delivered: [String: Set<String>] = [:]
                for _ in 0..<900 {
                    delivered = Self.eventIDsByOrder(receiver.received)
                    if wanted.isSubset(of: delivered.keys) { break }
                    try await Task.sleep(for: .milliseconds(100))
                }
                let missing = wanted.subtracting(delivered.keys)
                #expect(missing.isEmpty, "acknowledged orders whose event never came: \(missing.sorted())")
                #expect(delivered.values.allSatisfy { $0.count == 1 }, "one event per order, one id per event")
                let received = receiver.received.count
                let repeats = received - delivered.count
                #expect(repeats <= 64, "only what was in flight at the kill is sent twice: \(repeats) of \(received)")
                await restarted.kill()
            }
        }
    }

    /// The webhook ids each order's event arrived with.
    static func eventIDsByOrder(_ requests: [WebhookReceiver.Received]) -> [String: Set<String>] {
        var ids: [String: Set<String>] = [:]
        for request in requests {
            guard let data = request.json?["data"] as? [String: Any], let order = data["order_id"] as? String,
                let id = request.headers["webhook-id"]
            else { continue }
            ids[order, default: []].insert(id)
        }
        return ids
    }
}
