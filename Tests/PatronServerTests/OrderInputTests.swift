import Hummingbird
import HummingbirdTesting
import PatronCore
import PatronStore
import PatronTestSupport
import Testing

/// When an order says it happened, and who placed it, are checked like every other field.
@Suite struct OrderInputTests {
    func instant(_ offsetMilliseconds: Int64) -> JSONValue {
        .string(Timestamp(millisecondsSinceEpoch: WallClock.system.milliseconds + offsetMilliseconds).rfc3339)
    }

    @Test(arguments: TestDatabase.engines)
    func ordersFromTheFutureAreRefusedBeyondTheClockSkew(engine: DatabaseEngine) async throws {
        try await TestApplication.run(engine) { app in
            let minute: Int64 = 60_000
            for (orderID, occurredAt) in [
                ("F-2030", JSONValue.string("2030-01-01T00:00:00Z")), ("F-10m", instant(10 * minute)),
            ] {
                let order = exampleOrder.setting("order_id", .string(orderID)).setting("occurred_at", occurredAt)
                let refused = try await app.request(.post, "/v1/orders", json: order)
                #expect(refused.status == .unprocessableContent, "\(orderID): \(refused.text)")
                #expect(refused.isProblem)
                #expect(refused.errorPointers == ["/occurred_at"], "\(orderID)")
                let simulated = try await app.request(.post, "/v1/rules/simulate", json: order)
                #expect(simulated.errorPointers == ["/occurred_at"], "\(orderID): a simulation checks the same")
            }
            #expect(try await app.rowCount("orders") == 0)
            #expect(try await app.rowCount("point_lots") == 0)
            // A till whose clock runs a little ahead is still believed.
            let skewed = exampleOrder.setting("order_id", "F-1m").setting("occurred_at", instant(minute))
            #expect(try await app.request(.post, "/v1/orders", json: skewed).status == .created)
        }
    }

    @Test(arguments: TestDatabase.engines)
    func aBackDatedOrderSaysWhichOfItsPointsHadAlreadyExpired(engine: DatabaseEngine) async throws {
        try await TestApplication.run(engine) { app in
            // The default program keeps points 365 days.
            let old = exampleOrder.setting("order_id", "OLD-1999").setting("occurred_at", "1999-06-01T10:00:00Z")
            let answer = try await app.request(.post, "/v1/orders", json: old)
            #expect(answer.status == .created, "\(answer.text)")
            let points = answer.json["points"]
            #expect(points?["earned"]?.integer == 64)
            #expect(points?["expired"]?.integer == 64, "\(answer.text)")
            let award = try #require(points?["awards"]?.array.first)
            #expect(award["expired"] == .bool(true))
            // 365 local days after 1 June 1999, at the local midnight that ends the last one (UTC+08:00).
            #expect(award["expires_at"]?.string == "2000-05-31T16:00:00Z")
            // A replay answers the same, and reading the order back says the same.
            #expect(try await app.request(.post, "/v1/orders", json: old).json == answer.json)
            #expect(try await app.request(.get, "/v1/orders/OLD-1999").json["points"] == points)

            let recent = exampleOrder.setting("order_id", "NOW-1").setting("occurred_at", instant(-60_000))
            let fresh = try await app.request(.post, "/v1/orders", json: recent).json["points"]
            #expect(fresh?["expired"]?.integer == 0)
            #expect(fresh?["awards"]?.array.first?["expired"] == .bool(false))
        }
    }

    @Test(arguments: TestDatabase.engines)
    func aSimulationForAnUnknownMemberIsRefusedLikeAnOrder(engine: DatabaseEngine) async throws {
        try await TestApplication.run(engine) { app in
            let body = exampleOrder.setting("member", nil).setting("member_id", "mem_nobody")
            let order = try await app.request(.post, "/v1/orders", json: body)
            let simulation = try await app.request(.post, "/v1/rules/simulate", json: body)
            #expect(order.status == .unprocessableContent)
            #expect(simulation.status == .unprocessableContent, "\(simulation.text)")
            #expect(simulation.isProblem)
            #expect(simulation.errorPointers == order.errorPointers)
            #expect(simulation.errorPointers == ["/member_id"])
            // A profile that matches nobody is a new customer, for orders and simulations alike.
            #expect(try await app.request(.post, "/v1/rules/simulate", json: exampleOrder).status == .ok)
        }
    }
}
