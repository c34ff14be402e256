import Foundation
import Hummingbird
import HummingbirdTesting
import PatronCore
import PatronStore
import PatronTestSupport
import Testing

/// Refunds of orders whose points are partly gone: cancelled while pending, or expired.
@Suite struct RefundLapsedPointsTests {
    static func order(_ id: String, member: String, totalMinor: Int, daysAgo: Int = 0) -> JSONValue {
        let instant = Date().addingTimeInterval(-Double(daysAgo) * 86_400 - 60)
        return [
            "order_id": .string(id), "member": ["external_id": .string(member)],
            "occurred_at": .string(
                Timestamp(millisecondsSinceEpoch: Int64(instant.timeIntervalSince1970 * 1000)).rfc3339),
            "currency": "CNY",
            "lines": [
                ["sku": "CAKE", "category": "bakery", "quantity": 1, "unit_price_minor": .number(Double(totalMinor))]
            ],
            "total_minor": .number(Double(totalMinor)),
        ]
    }

    @Test(arguments: TestDatabase.engines)
    func aRefundDoesNotTakeACancelledPendingAwardFromOtherOrders(engine: DatabaseEngine) async throws {
        try await TestApplication.run(engine) { app in
            let first = try await app.request(
                .post, "/v1/orders", json: Self.order("CR-0", member: "c-1", totalMinor: 23_000))
            let memberID = try #require(first.json["member_id"]?.string)
            let bonus: JSONValue = ["kind": "amount_bonus", "points": 30, "minimum_minor": 100, "pending_days": 5]
            #expect(try await app.request(.put, "/v1/rules/welcome-back", json: bonus).status == .created)
            #expect(
                try await app.request(.post, "/v1/orders", json: Self.order("CR-1", member: "c-1", totalMinor: 5_000))
                    .status == .created)

            // The statement shows the pending lot, so it can be cancelled by id.
            let statement = try await app.request(.get, "/v1/members/\(memberID)/points")
            let pending = statement.json["lots"]?.array.filter { $0["status"]?.string == "pending" } ?? []
            #expect(pending.count == 1)
            #expect(pending.first?["source_id"]?.string == "CR-1")
            let lotID = try #require(pending.first?["lot_id"]?.string)
            let cancel = try await app.request(
                .post, "/v1/members/\(memberID)/points/lots/\(lotID)/cancel", json: ["reason": "fraud check"])
            #expect(cancel.status == .ok)
            #expect(cancel.json["available"]?.integer == 280)

            let again = try await app.request(
                .post, "/v1/members/\(memberID)/points/lots/\(lotID)/cancel", json: ["reason": "twice"])
            #expect(again.status == .conflict)
            let unknown = try await app.request(
                .post, "/v1/members/\(memberID)/points/lots/lot_nope/cancel", json: ["reason": "typo"])
            #expect(unknown.status == .notFound)
            #expect(unknown.isProblem)

            let refund = try await app.request(
                .post, "/v1/orders/CR-1/refunds",
                json: ["refund_id": "CR-1-R", "lines": [["sku": "CAKE", "quantity": 1]]])
            #expect(refund.status == .created)
            #expect(refund.json["points_reversed"]?.integer == 50)
            #expect(refund.json["points_lapsed"]?.integer == 30)
            #expect(refund.json["points_forgiven"]?.integer == 0)
            #expect(refund.json["balance"]?["available"]?.integer == 230)
            let journal = try await app.request(.get, "/v1/members/\(memberID)/points")
            let reversal = journal.json["entries"]?.array.first { $0["kind"]?.string == "reverse" }
            #expect(reversal?["points"]?.integer == -50, "the answer and the journal agree")
        }
    }

    @Test(arguments: TestDatabase.engines, ["take_available", "allow_negative", "refuse"])
    func aRefundOfExpiredPointsTakesNothing(engine: DatabaseEngine, policy: String) async throws {
        try await TestApplication.run(engine) { app in
            let program: JSONValue = [
                "refund_policy": .string(policy), "expiry": ["policy": "days_after_earning", "days": 365],
            ]
            #expect(try await app.request(.put, "/v1/program", json: program).status == .ok)
            let old = try await app.request(
                .post, "/v1/orders", json: Self.order("EX-0", member: "e-1", totalMinor: 3_000, daysAgo: 400))
            let memberID = try #require(old.json["member_id"]?.string)
            _ = try await app.request(
                .post, "/v1/orders", json: Self.order("EX-1", member: "e-1", totalMinor: 4_000, daysAgo: 1))
            let expired = try await app.store.expirePoints(
                asOf: WallClock.system.now)
            #expect(expired.points == 30)

            let refund = try await app.request(
                .post, "/v1/orders/EX-0/refunds",
                json: ["refund_id": "EX-0-R", "lines": [["sku": "CAKE", "quantity": 1]]])
            #expect(refund.status == .created)
            #expect(refund.json["points_reversed"]?.integer == 0)
            #expect(refund.json["points_lapsed"]?.integer == 30)
            #expect(refund.json["points_owed"]?.integer == 0)
            let points = try await app.request(.get, "/v1/members/\(memberID)/points")
            #expect(points.json["available"]?.integer == 40)
            #expect(points.json["debt"]?.integer == 0)
            #expect(!(points.json["entries"]?.array.contains { $0["kind"]?.string == "reverse" } ?? true))
        }
    }
}
