import Foundation
import PatronCore
import PatronStore
import PatronTestSupport
import SQLKit
import Testing

/// Events enter the outbox with the change they report, are routed to the endpoints that want them, and each
/// delivery is claimed, retried on the schedule and recorded once, however many dispatchers run.
@Suite struct WebhookOutboxTests {
    static let start: Int64 = 1_780_000_000_000

    static func order(_ id: String, member: String = "m-1", total: Int64 = 250_000) throws -> OrderSubmission {
        let body: JSONValue = [
            "order_id": .string(id), "member": ["external_id": .string(member)],
            "occurred_at": .string(Timestamp(millisecondsSinceEpoch: start).rfc3339), "currency": "CNY",
            "lines": [["sku": "GIFT-BOX", "quantity": 1, "unit_price_minor": .number(Double(total))]],
            "total_minor": .number(Double(total)),
        ]
        return try OrderSubmission.parse(body, receivedAt: Timestamp(millisecondsSinceEpoch: start))
    }

    static func events(_ store: Store) async throws -> [(type: String, body: JSONValue)] {
        try await store.database.read { database in
            try await database.raw("SELECT type, body FROM outbox_events ORDER BY type").all().map {
                let body = try $0.decode(column: "body", as: String.self)
                return (
                    try $0.decode(column: "type", as: String.self),
                    try JSONDecoder().decode(JSONValue.self, from: Data(body.utf8))
                )
            }
        }
    }

    static func endpoint(
        _ store: Store, types: Set<WebhookEventType>, enabled: Bool = true
    ) async throws -> WebhookEndpoint {
        try await store.createWebhookEndpoint(
            WebhookEndpointDraft(
                url: try WebhookEndpointURL("https://hooks.example.com/in"), eventTypes: types, enabled: enabled),
            by: "test", at: Timestamp(millisecondsSinceEpoch: start)
        ).endpoint
    }

    static func at(_ seconds: Int64) -> Timestamp { Timestamp(millisecondsSinceEpoch: start + seconds * 1_000) }

    @Test(arguments: TestDatabase.engines)
    func anOrderWritesItsEventsOnceAndAReplayWritesNone(engine: DatabaseEngine) async throws {
        try await TestDatabase.withStore(engine, clock: WallClock { Self.start }) { store in
            let recorded = try await store.recordOrder(try Self.order("o-1"), fingerprint: "f")
            _ = try await store.recordOrder(try Self.order("o-1"), fingerprint: "f")
            // The same id with other content is refused, and its transaction leaves no event behind.
            await #expect(throws: OrderError.self) {
                _ = try await store.recordOrder(try Self.order("o-1", total: 1), fingerprint: "g")
            }
            let events = try await Self.events(store)
            #expect(events.map(\.type).filter { $0 == "order.recorded" }.count == 1)
            let order = try #require(events.first { $0.type == "order.recorded" }?.body)
            #expect(order["type"] == "order.recorded")
            #expect(order["timestamp"] == .string(Timestamp(millisecondsSinceEpoch: Self.start).rfc3339))
            #expect(order["data"]?["order_id"] == "o-1")
            #expect(order["data"]?["member_id"] == .string(recorded.order.memberID))
            #expect(order["data"]?["total_minor"] == 250_000)
            let earned = events.filter { $0.type == "points.earned" }
            #expect(earned.count == 1, "\(events.map(\.type))")
            #expect(earned.first?.body["data"]?["reference"] == "o-1")
        }
    }

    @Test(arguments: TestDatabase.engines)
    func eventsGoOnlyToEnabledEndpointsThatWantThem(engine: DatabaseEngine) async throws {
        try await TestDatabase.withStore(engine, clock: WallClock { Self.start }) { store in
            let orders = try await Self.endpoint(store, types: [.orderRecorded])
            let points = try await Self.endpoint(store, types: [.pointsEarned, .orderRecorded])
            _ = try await Self.endpoint(store, types: [.orderRecorded], enabled: false)
            _ = try await store.recordOrder(try Self.order("o-1"), fingerprint: "f")
            _ = try await store.recordOrder(try Self.order("o-2", member: "m-2"), fingerprint: "f")
            #expect(try await store.nextWebhookWork() == Timestamp(millisecondsSinceEpoch: Self.start))
            #expect(try await store.routeWebhookEvents(at: Self.at(0), batchSize: 3) >= 4)
            #expect(try await store.routeWebhookEvents(at: Self.at(0)) == 0, "routed once")
            let sends = try await store.claimWebhookDeliveries(at: Self.at(0), limit: 100)
            #expect(sends.filter { $0.endpointID == orders.endpointID }.count == 2)
            #expect(sends.filter { $0.endpointID == points.endpointID }.count == 4)
            #expect(sends.count == 6, "nothing for the disabled endpoint")
            #expect(Set(sends.map(\.attempt)) == [1])
            #expect(sends.allSatisfy { $0.secrets.count == 1 && $0.secrets[0].hasPrefix("whsec_") })
        }
    }

    /// A failed attempt waits the schedule's time; the ninth failure is a dead letter; a success after
    /// failures clears the endpoint's failing mark.
    @Test(arguments: TestDatabase.engines)
    func failuresAreRetriedOnTheScheduleThenDead(engine: DatabaseEngine) async throws {
        try await TestDatabase.withStore(engine, clock: WallClock { Self.start }) { store in
            let endpoint = try await Self.endpoint(store, types: [.orderRecorded])
            _ = try await store.recordOrder(try Self.order("o-1"), fingerprint: "f")
            try await store.routeWebhookEvents(at: Self.at(0))
            var now: Int64 = 0
            for attempt in 1...8 {
                let sends = try await store.claimWebhookDeliveries(at: Self.at(now), limit: 10)
                try #require(sends.count == 1, "attempt \(attempt) at \(now) s")
                #expect(sends[0].attempt == Int64(attempt))
                try await store.recordWebhookAttempt(
                    sends[0], outcome: .failed(status: 503, error: "answered 503"), durationMilliseconds: 3,
                    at: Self.at(now), jitter: 0)
                guard attempt < 8 else { break }
                let wait = WebhookRetry.waits[attempt - 1] / 1_000
                #expect(try await store.claimWebhookDeliveries(at: Self.at(now + wait - 1), limit: 10).isEmpty)
                now += wait
            }
            let (delivery, attempts) = try await store.webhookDelivery(
                endpointID: endpoint.endpointID,
                deliveryID: try #require(
                    try await store.webhookDeliveries(
                        endpointID: endpoint.endpointID, status: nil, after: nil, limit: 10
                    ).items.first?.deliveryID))
            #expect(delivery.status == .dead && delivery.attempts == 8 && delivery.lastStatus == 503)
            #expect(attempts.map(\.attempt) == Array(1...8))
            #expect(try await store.claimWebhookDeliveries(at: Self.at(now + 100_000), limit: 10).isEmpty)
            // About 28 hours of failures: the endpoint is marked failing, not yet disabled.
            let failing = try await store.webhookEndpoint(id: endpoint.endpointID)
            #expect(failing.isEnabled && failing.failingSince == Self.at(0))

            // A replay starts the schedule over; its success clears the failing mark.
            let replayed = try await store.replayWebhookDelivery(
                endpointID: endpoint.endpointID, deliveryID: delivery.deliveryID, at: Self.at(now + 10))
            #expect(replayed.status == .pending)
            let again = try await store.claimWebhookDeliveries(at: Self.at(now + 10), limit: 10)
            #expect(again.map(\.attempt) == [9] && again.map(\.scheduleFrom) == [8])
            try await store.recordWebhookAttempt(
                again[0], outcome: .failed(status: nil, error: "refused"), durationMilliseconds: 1,
                at: Self.at(now + 10), jitter: 0)
            let retry = try await store.claimWebhookDeliveries(at: Self.at(now + 15), limit: 10)
            #expect(retry.map(\.attempt) == [10], "retried 5 s later, as a first failure is")
            try await store.recordWebhookAttempt(
                retry[0], outcome: .delivered(status: 200), durationMilliseconds: 1, at: Self.at(now + 15))
            #expect(try await store.webhookEndpoint(id: endpoint.endpointID).failingSince == nil)
        }
    }

    @Test(arguments: TestDatabase.engines)
    func goneOrFiveDaysOfFailureDisableTheEndpoint(engine: DatabaseEngine) async throws {
        try await TestDatabase.withStore(engine, clock: WallClock { Self.start }) { store in
            let gone = try await Self.endpoint(store, types: [.orderRecorded])
            let failing = try await Self.endpoint(store, types: [.pointsEarned])
            for index in 0..<3 {
                _ = try await store.recordOrder(try Self.order("o-\(index)"), fingerprint: "f")
            }
            try await store.routeWebhookEvents(at: Self.at(0))
            let sends = try await store.claimWebhookDeliveries(at: Self.at(0), limit: 100)
            let first = try #require(sends.first { $0.endpointID == gone.endpointID })
            try await store.recordWebhookAttempt(first, outcome: .gone, durationMilliseconds: 1, at: Self.at(0))
            let disabled = try await store.webhookEndpoint(id: gone.endpointID)
            #expect(!disabled.isEnabled && disabled.disabledReason == "the endpoint answered 410 Gone")
            let abandoned = try await store.webhookDeliveries(
                endpointID: gone.endpointID, status: .dead, after: nil, limit: 10)
            #expect(abandoned.items.count == 3, "the other two are given up too")
            await #expect(throws: WebhookError.endpointDisabled(gone.endpointID)) {
                _ = try await store.replayWebhookDelivery(
                    endpointID: gone.endpointID, deliveryID: abandoned.items[0].deliveryID, at: Self.at(1))
            }

            let failed = sends.filter { $0.endpointID == failing.endpointID }
            try await store.recordWebhookAttempt(
                failed[0], outcome: .failed(status: 500, error: "answered 500"), durationMilliseconds: 1,
                at: Self.at(0))
            let fiveDays: Int64 = 5 * 24 * 3_600
            try await store.recordWebhookAttempt(
                failed[1], outcome: .failed(status: 500, error: "answered 500"), durationMilliseconds: 1,
                at: Self.at(fiveDays))
            let off = try await store.webhookEndpoint(id: failing.endpointID)
            #expect(!off.isEnabled && off.disabledReason == "no delivery succeeded for 5 days")
            #expect(try await store.claimWebhookDeliveries(at: Self.at(fiveDays * 2), limit: 100).isEmpty)
        }
    }

    /// A sender that claimed a delivery and died is replaced when its lease runs out; its late answer, if it
    /// comes, is ignored in favour of the newer claim's.
    @Test(arguments: TestDatabase.engines)
    func anExpiredLeaseIsClaimedAgainAndTheStaleAnswerIgnored(engine: DatabaseEngine) async throws {
        try await TestDatabase.withStore(engine, clock: WallClock { Self.start }) { store in
            let endpoint = try await Self.endpoint(store, types: [.orderRecorded])
            _ = try await store.recordOrder(try Self.order("o-1"), fingerprint: "f")
            try await store.routeWebhookEvents(at: Self.at(0))
            let first = try await store.claimWebhookDeliveries(at: Self.at(0), limit: 10)
            #expect(try await store.claimWebhookDeliveries(at: Self.at(29), limit: 10).isEmpty, "leased")
            let second = try await store.claimWebhookDeliveries(at: Self.at(30), limit: 10)
            #expect(second.map(\.attempt) == [2] && second.map(\.eventID) == first.map(\.eventID))
            try await store.recordWebhookAttempt(
                second[0], outcome: .delivered(status: 204), durationMilliseconds: 2, at: Self.at(61))
            try await store.recordWebhookAttempt(
                first[0], outcome: .failed(status: nil, error: "late"), durationMilliseconds: 2, at: Self.at(62))
            let (delivery, attempts) = try await store.webhookDelivery(
                endpointID: endpoint.endpointID, deliveryID: first[0].deliveryID)
            #expect(delivery.status == .delivered && attempts.map(\.status) == [204])
        }
    }

    /// Two dispatchers claiming at once — two nodes — never take the same delivery.
    @Test(arguments: TestDatabase.engines)
    func twoDispatchersNeverClaimTheSameDelivery(engine: DatabaseEngine) async throws {
        try await TestDatabase.withStore(engine, clock: WallClock { Self.start }) { store in
            _ = try await Self.endpoint(store, types: [.orderRecorded, .pointsEarned])
            for index in 0..<30 {
                _ = try await store.recordOrder(try Self.order("o-\(index)", member: "m-\(index)"), fingerprint: "f")
            }
            let claimed = try await withThrowingTaskGroup(of: [String].self) { group in
                for _ in 0..<2 {
                    group.addTask {
                        var ids: [String] = []
                        while true {
                            try await store.routeWebhookEvents(at: Self.at(0), batchSize: 7)
                            let batch = try await store.claimWebhookDeliveries(at: Self.at(0), limit: 5)
                            if batch.isEmpty { return ids }
                            ids += batch.map(\.deliveryID)
                        }
                    }
                }
                return try await group.reduce(into: []) { $0 += $1 }
            }
            #expect(claimed.count == 60 && Set(claimed).count == 60)
        }
    }

    @Test(arguments: TestDatabase.engines)
    func aRotatedSecretSignsBesideTheNewOneForADay(engine: DatabaseEngine) async throws {
        try await TestDatabase.withStore(engine, clock: WallClock { Self.start }) { store in
            let endpoint = try await Self.endpoint(store, types: [.orderRecorded])
            let (rotated, secret) = try await store.rotateWebhookSecret(id: endpoint.endpointID, at: Self.at(0))
            #expect(rotated.revision == endpoint.revision + 1)
            #expect(rotated.previousSecretUntil == Self.at(24 * 3_600))
            _ = try await store.recordOrder(try Self.order("o-1"), fingerprint: "f")
            try await store.routeWebhookEvents(at: Self.at(0))
            let now = try await store.claimWebhookDeliveries(at: Self.at(0), limit: 10)
            #expect(now.first?.secrets.count == 2 && now.first?.secrets.first == secret)
            try await store.recordWebhookAttempt(
                now[0], outcome: .failed(status: 500, error: "answered 500"), durationMilliseconds: 1,
                at: Self.at(24 * 3_600), jitter: 0)
            let later = try await store.claimWebhookDeliveries(at: Self.at(24 * 3_600 + 5), limit: 10)
            #expect(later.first?.secrets == [secret], "the old secret has stopped signing")
            await #expect(throws: WebhookError.revisionMismatch(current: rotated.revision)) {
                _ = try await store.replaceWebhookEndpoint(
                    id: endpoint.endpointID,
                    with: WebhookEndpointDraft(
                        url: try WebhookEndpointURL("https://hooks.example.com/v2"), eventTypes: [.tierChanged]),
                    acceptedRevisions: [endpoint.revision], by: "test", at: Self.at(1))
            }
        }
    }

    /// Answers recorded at once for one endpoint, one of which disables it, all land: none waits forever on
    /// another, and nothing is left pending at the disabled endpoint.
    @Test(arguments: TestDatabase.engines)
    func concurrentAnswersThatDisableTheEndpointAllLand(engine: DatabaseEngine) async throws {
        try await TestDatabase.withStore(engine, clock: WallClock { Self.start }) { store in
            let endpoint = try await Self.endpoint(store, types: [.orderRecorded, .pointsEarned])
            for index in 0..<12 {
                _ = try await store.recordOrder(try Self.order("o-\(index)", member: "m-\(index)"), fingerprint: "f")
            }
            try await store.routeWebhookEvents(at: Self.at(0))
            let first = try await store.claimWebhookDeliveries(at: Self.at(0), limit: 1)
            try await store.recordWebhookAttempt(
                first[0], outcome: .failed(status: 500, error: "answered 500"), durationMilliseconds: 1, at: Self.at(0))
            let late = Self.at(5 * 24 * 3_600)
            let sends = try await store.claimWebhookDeliveries(at: late, limit: 100)
            #expect(sends.count == 24)
            try await withThrowingTaskGroup(of: Void.self) { group in
                for send in sends {
                    group.addTask {
                        try await store.recordWebhookAttempt(
                            send, outcome: .failed(status: 502, error: "answered 502"), durationMilliseconds: 1,
                            at: late)
                    }
                }
                try await group.waitForAll()
            }
            #expect(try await store.webhookEndpoint(id: endpoint.endpointID).isEnabled == false)
            let pending = try await store.webhookDeliveries(
                endpointID: endpoint.endpointID, status: .pending, after: nil, limit: 100)
            #expect(pending.items.isEmpty)
        }
    }

    /// After 30 days the log forgets what was sent or given up, never what is still being tried.
    @Test(arguments: TestDatabase.engines)
    func theLogKeepsThirtyDaysAndEverythingStillPending(engine: DatabaseEngine) async throws {
        try await TestDatabase.withStore(engine, clock: WallClock { Self.start }) { store in
            let endpoint = try await Self.endpoint(store, types: [.orderRecorded])
            _ = try await store.recordOrder(try Self.order("o-1"), fingerprint: "f")
            _ = try await store.recordOrder(try Self.order("o-2"), fingerprint: "f")
            try await store.routeWebhookEvents(at: Self.at(0))
            let sends = try await store.claimWebhookDeliveries(at: Self.at(0), limit: 10)
            try await store.recordWebhookAttempt(
                sends[0], outcome: .delivered(status: 200), durationMilliseconds: 1, at: Self.at(0))
            try await store.recordWebhookAttempt(
                sends[1], outcome: .failed(status: 500, error: "answered 500"), durationMilliseconds: 1, at: Self.at(0))
            let day: Int64 = 86_400
            #expect(try await store.pruneWebhookLog(asOf: Self.at(29 * day)) == 0)
            // Every event but the one still being tried goes: the delivered one, and those routed to no endpoint.
            let events = try await LoyaltyHistory.count("SELECT COUNT(*) AS n FROM outbox_events", store)
            #expect(events >= 4)
            #expect(try await store.pruneWebhookLog(asOf: Self.at(31 * day), batchSize: 2) == events - 1)
            let left = try await store.webhookDeliveries(
                endpointID: endpoint.endpointID, status: nil, after: nil, limit: 10)
            #expect(left.items.map(\.deliveryID) == [sends[1].deliveryID])
            #expect(try await LoyaltyHistory.count("SELECT COUNT(*) AS n FROM outbox_events", store) == 1)
            #expect(try await LoyaltyHistory.count("SELECT COUNT(*) AS n FROM webhook_attempts", store) == 1)
        }
    }

    /// The Standard Webhooks reference libraries' own example, signed by the `standardwebhooks` package.
    @Test func signaturesMatchTheStandardWebhooksReference() {
        let signature = WebhookSignature.sign(
            secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", id: "msg_p5jXN8AQM9LWM0D4loKWxJek",
            timestamp: 1_614_265_330, body: Array(#"{"test": 2432232314}"#.utf8))
        #expect(signature == "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=")
        let secret = WebhookSignature.makeSecret()
        #expect(secret.hasPrefix("whsec_") && secret.count == 6 + 32)
        #expect(WebhookSignature.sign(secret: "not-a-secret", id: "x", timestamp: 0, body: []) == nil)
    }
}
