import AsyncHTTPClient
import Foundation
import HTTPTypes
import HummingbirdTesting
import Logging
import PatronCore
import PatronServer
import PatronStore
import PatronTestSupport
import Testing

/// Webhooks end to end: endpoints made through the API, business events posted by the dispatcher to a real HTTP
/// receiver on loopback, signed as Standard Webhooks says, retried, disabled, replayed, and refused for private
/// addresses unless allowed.
@Suite struct WebhookAPITests {
    static func dispatcher(_ store: Store, allowsPrivate: Bool = true) -> (WebhookDispatcher, HTTPClientHolder) {
        let holder = HTTPClientHolder()
        return (
            WebhookDispatcher(
                store: store, client: holder.client, targets: WebhookTargets(allowsPrivateAddresses: allowsPrivate),
                logger: Logger(label: "test")), holder
        )
    }

    static func createEndpoint(
        _ app: TestApplication, url: String, types: [JSONValue]
    ) async throws -> (id: String, secret: String) {
        let created = try await app.request(
            .post, "/v1/webhooks/endpoints",
            json: ["url": .string(url), "event_types": .array(types), "description": "CRM"])
        try #require(created.status == .created, "\(created.text)")
        guard case .string(let id)? = created.json["endpoint_id"], case .string(let secret)? = created.json["secret"]
        else { throw CancellationError() }
        return (id, secret)
    }

    /// Checks a received request as an integrator's verifier would, and returns its event type.
    static func verify(_ request: WebhookReceiver.Received, secrets: [String]) throws -> String {
        let id = try #require(request.headers["webhook-id"])
        let timestamp = try #require(request.headers["webhook-timestamp"].flatMap { Int64($0) })
        #expect(abs(timestamp - Int64(Date().timeIntervalSince1970)) < 300, "a fresh timestamp")
        let signatures = Set((request.headers["webhook-signature"] ?? "").split(separator: " ").map(String.init))
        for secret in secrets {
            let expected = try #require(
                WebhookSignature.sign(secret: secret, id: id, timestamp: timestamp, body: request.body))
            #expect(signatures.contains(expected), "signed with each secret in force")
        }
        #expect(signatures.count == secrets.count)
        #expect(request.headers["content-type"] == "application/json")
        return try #require(request.json?["type"] as? String)
    }

    @Test(arguments: TestDatabase.engines)
    func eventsReachTheReceiverSignedAndARetryKeepsTheirID(engine: DatabaseEngine) async throws {
        let receiver = WebhookReceiver()
        try await receiver.run { url in
            try await TestApplication.run(engine) { app in
                let (endpointID, secret) = try await Self.createEndpoint(
                    app, url: url, types: ["order.recorded", "points.earned"])
                #expect(try await app.request(.post, "/v1/orders", json: exampleOrder).status == .created)
                let (dispatcher, client) = Self.dispatcher(app.store)
                defer { client.shutdown() }
                #expect(try await dispatcher.round() == 2)
                #expect(try await dispatcher.round() == 0, "nothing more is due")
                let received = receiver.received
                #expect(
                    try Set(received.map { try Self.verify($0, secrets: [secret]) }) == [
                        "order.recorded", "points.earned",
                    ])
                // Events name the member by id only: no name, email or phone leaves Patron this way.
                for request in received {
                    let text = String(decoding: request.body, as: UTF8.self)
                    #expect(!text.contains("李雷") && !text.contains("li.lei") && !text.contains("13800138000"))
                }
                let order = try #require(received.first { $0.json?["type"] as? String == "order.recorded" })
                let data = try #require(order.json?["data"] as? [String: Any])
                #expect(data["order_id"] as? String == "A-1001" && data["total_minor"] as? Int == 6_400)

                let log = try await app.request(.get, "/v1/webhooks/endpoints/\(endpointID)/deliveries")
                guard case .array(let deliveries)? = log.json["data"] else { throw CancellationError() }
                #expect(deliveries.count == 2 && deliveries.allSatisfy { $0["status"] == "delivered" })
                let orderDelivery = try #require(deliveries.first { $0["event_type"] == "order.recorded" })
                #expect(orderDelivery["event_id"] == .string(order.headers["webhook-id"] ?? "-"))
                guard case .string(let deliveryID)? = orderDelivery["delivery_id"] else { throw CancellationError() }

                // A replay whose first attempt fails is retried 5 s on; every post carries the same webhook-id.
                receiver.script([503])
                let replay = try await app.request(
                    .post, "/v1/webhooks/endpoints/\(endpointID)/deliveries/\(deliveryID)/replay")
                #expect(replay.status == .ok && replay.json["status"] == "pending")
                // A clock that stands still, so a slow machine does not reach the retry's time between rounds.
                let now = app.store.clock.milliseconds
                let (frozen, frozenClient) = Self.dispatcher(app.store.with(WallClock { now }))
                defer { frozenClient.shutdown() }
                #expect(try await frozen.round() == 1)
                let failed = try await app.request(
                    .get, "/v1/webhooks/endpoints/\(endpointID)/deliveries/\(deliveryID)")
                #expect(failed.json["status"] == "pending" && failed.json["last_status"] == 503)
                guard case .array(let attempts)? = failed.json["attempts"] else { throw CancellationError() }
                #expect(attempts.map { $0["status"] } == [200, 503])
                #expect(try await frozen.round() == 0, "not before its time")
                let (later, laterClient) = Self.dispatcher(app.store.with(WallClock { now + 6_000 }))
                defer { laterClient.shutdown() }
                #expect(try await later.round() == 1)
                let ids = receiver.received.filter { $0.json?["type"] as? String == "order.recorded" }
                    .map { $0.headers["webhook-id"] }
                #expect(ids.count == 3 && Set(ids).count == 1)
                let done = try await app.request(.get, "/v1/webhooks/endpoints/\(endpointID)/deliveries/\(deliveryID)")
                #expect(done.json["status"] == "delivered" && done.json["attempt_count"] == 3)
            }
        }
    }

    @Test(arguments: TestDatabase.engines)
    func goneDisablesTheEndpointUntilItIsEnabledAndReplayed(engine: DatabaseEngine) async throws {
        let receiver = WebhookReceiver(answers: [410])
        try await receiver.run { url in
            try await TestApplication.run(engine) { app in
                let (endpointID, _) = try await Self.createEndpoint(app, url: url, types: ["order.recorded"])
                #expect(try await app.request(.post, "/v1/orders", json: exampleOrder).status == .created)
                let (dispatcher, client) = Self.dispatcher(app.store)
                defer { client.shutdown() }
                #expect(try await dispatcher.round() == 1)
                let endpoint = try await app.request(.get, "/v1/webhooks/endpoints/\(endpointID)")
                #expect(endpoint.json["enabled"] == false)
                #expect(endpoint.json["disabled_reason"] == "the endpoint answered 410 Gone")
                let since: JSONValue = ["since": "2000-01-01T00:00:00Z"]
                let refused = try await app.request(
                    .post, "/v1/webhooks/endpoints/\(endpointID)/replay", json: since)
                #expect(refused.status == .conflict)
                // Nothing goes to a disabled endpoint, nor is routed to it.
                #expect(
                    try await app.request(.post, "/v1/orders", json: exampleOrder.setting("order_id", "A-1002")).status
                        == .created)
                #expect(try await dispatcher.round() == 0)

                let etag = try #require(endpoint.headers[.eTag])
                let enabled = try await app.request(
                    .put, "/v1/webhooks/endpoints/\(endpointID)",
                    json: ["url": .string(url), "event_types": ["order.recorded"], "enabled": true],
                    headers: [.ifMatch: etag])
                #expect(enabled.status == .ok && enabled.json["enabled"] == true)
                let stale = try await app.request(
                    .put, "/v1/webhooks/endpoints/\(endpointID)",
                    json: ["url": .string(url), "event_types": ["order.recorded"]], headers: [.ifMatch: etag])
                #expect(stale.status == .preconditionFailed)
                let replayed = try await app.request(
                    .post, "/v1/webhooks/endpoints/\(endpointID)/replay", json: since)
                #expect(replayed.json["replayed"] == 1)
                #expect(try await dispatcher.round() == 1)
                #expect(receiver.received.count == 2)
                #expect(Set(receiver.received.map { $0.headers["webhook-id"] }).count == 1, "the same event again")
            }
        }
    }

    @Test(arguments: TestDatabase.engines)
    func aRotatedSecretAndTheOldOneBothSign(engine: DatabaseEngine) async throws {
        let receiver = WebhookReceiver()
        try await receiver.run { url in
            try await TestApplication.run(engine) { app in
                let (endpointID, old) = try await Self.createEndpoint(app, url: url, types: ["order.recorded"])
                let rotated = try await app.request(.post, "/v1/webhooks/endpoints/\(endpointID)/secret")
                guard case .string(let new)? = rotated.json["secret"] else { throw CancellationError() }
                #expect(new != old && rotated.json["previous_secret_until"] != .null)
                let listed = try await app.request(.get, "/v1/webhooks/endpoints")
                #expect(!listed.text.contains("whsec_"), "secrets are shown only when made")
                #expect(try await app.request(.post, "/v1/orders", json: exampleOrder).status == .created)
                let (dispatcher, client) = Self.dispatcher(app.store)
                defer { client.shutdown() }
                #expect(try await dispatcher.round() == 1)
                let request = try #require(receiver.received.first)
                #expect(try Self.verify(request, secrets: [new, old]) == "order.recorded")
            }
        }
    }

    /// Endpoints on private, loopback or link-local addresses are refused when saved; one saved while they were
    /// allowed is not posted to once they are not.
    @Test(arguments: TestDatabase.engines)
    func privateAddressesAreRefusedUnlessAllowed(engine: DatabaseEngine) async throws {
        let receiver = WebhookReceiver()
        try await receiver.run { url in
            try await TestApplication.run(engine, webhookTargets: WebhookTargets(allowsPrivateAddresses: false)) {
                app in
                for target in [
                    url, "http://169.254.169.254/latest/meta-data", "http://localhost:8080/in", "http://[::1]/in",
                    "https://10.0.0.5/in", "http://[::ffff:192.168.1.1]/in",
                ] {
                    let refused = try await app.request(
                        .post, "/v1/webhooks/endpoints",
                        json: ["url": .string(target), "event_types": ["order.recorded"]])
                    #expect(refused.status == .unprocessableContent, "\(target)")
                    #expect(refused.errorPointers == ["/url"])
                    #expect(refused.text.contains("not on the public internet"), "\(refused.text)")
                }
                let (endpoint, _) = try await app.store.createWebhookEndpoint(
                    WebhookEndpointDraft(url: try WebhookEndpointURL(url), eventTypes: [.orderRecorded]),
                    by: "test", at: app.store.clock.now)
                #expect(try await app.request(.post, "/v1/orders", json: exampleOrder).status == .created)
                let (dispatcher, client) = Self.dispatcher(app.store, allowsPrivate: false)
                defer { client.shutdown() }
                #expect(try await dispatcher.round() == 1)
                #expect(receiver.received.isEmpty)
                let log = try await app.store.webhookDeliveries(
                    endpointID: endpoint.endpointID, status: nil, after: nil, limit: 10)
                #expect(log.items.first?.lastError?.hasPrefix("not sent: the URL reaches 127.0.0.1") == true)

                let (_, reader) = try await app.store.createAPIKey(name: "reader", scopes: [.membersRead])
                let forbidden = try await app.request(.get, "/v1/webhooks/endpoints", key: reader)
                #expect(forbidden.status == .forbidden)
            }
        }
    }
}

/// An HTTP client for a test's dispatcher, shut down when the test ends.
final class HTTPClientHolder: Sendable {
    let client = WebhookDispatcher.makeClient()

    func shutdown() {
        try? client.syncShutdown()
    }
}
