import Foundation
import Hummingbird
import HummingbirdTesting
import PatronAnalytics
import PatronCore
import PatronStore
import PatronTestSupport
import Testing

@testable import PatronServer

/// An order of two units of one SKU at local noon (+08:00) of `day`, so that one unit can be refunded.
private func twoUnits(_ id: String, customer: String, day: String, unitMinor: Int) -> JSONValue {
    [
        "order_id": .string(id), "member": ["external_id": .string(customer)],
        "occurred_at": .string("\(day)T04:00:00Z"), "currency": "CNY",
        "lines": [["sku": "ITEM", "quantity": 2, "unit_price_minor": .number(Double(unitMinor))]],
        "total_minor": .number(Double(2 * unitMinor)),
    ]
}

/// Revenue is net of refunds in every analytics read, and the smallest bases score as the docs say.
@Suite struct AnalyticsRevenueTests {
    /// a: ¥100 on May 10 and ¥80 on June 10, one unit of each refunded; b: ¥150 on June 15; c: ¥50 on June 20,
    /// refunded in full. Gross, a (¥180) outspends b (¥150); net, a has ¥90 and b the most.
    @Test(arguments: TestDatabase.engines)
    func revenueIsNetOfRefundsEverywhere(engine: DatabaseEngine) async throws {
        try await TestApplication.run(engine) { app in
            var members: [String: String] = [:]
            for order in [
                twoUnits("a1", customer: "a", day: "2026-05-10", unitMinor: 5000),
                twoUnits("a2", customer: "a", day: "2026-06-10", unitMinor: 4000),
                twoUnits("b1", customer: "b", day: "2026-06-15", unitMinor: 7500),
                twoUnits("c1", customer: "c", day: "2026-06-20", unitMinor: 2500),
            ] {
                let answer = try await app.request(.post, "/v1/orders", json: order)
                #expect(answer.status == .created, "\(answer.text)")
                members[order["member"]?["external_id"]?.string ?? ""] = answer.json["member_id"]?.string
            }
            for (refund, order, quantity) in [("ra1", "a1", 1), ("ra2", "a2", 1), ("rc1", "c1", 1), ("rc2", "c1", 1)] {
                let answer = try await app.request(
                    .post, "/v1/orders/\(order)/refunds",
                    json: [
                        "refund_id": .string(refund),
                        "lines": [["sku": "ITEM", "quantity": .number(Double(quantity))]],
                    ])
                #expect(answer.status == .created, "\(answer.text)")
            }

            // KPIs of June: three orders, ¥280 gross, ¥90 of them refunded.
            let kpis = try await app.request(.get, "/v1/analytics/kpis?from=2026-06-01&to=2026-06-30")
            #expect(kpis.status == .ok, "\(kpis.text)")
            #expect(kpis.json["order_count"]?.integer == 3)
            #expect(kpis.json["revenue_minor"]?.integer == 19_000)
            #expect(kpis.json["refunded_minor"]?.integer == 9_000)
            #expect(kpis.json["average_order_value_minor"]?.integer == 6_333)

            // RFM spend and its scores: b is the best spender once refunds are taken off.
            let rfm = try await app.request(.get, "/v1/analytics/rfm?reference_date=2026-06-30")
            #expect(rfm.status == .ok, "\(rfm.text)")
            let rows = Dictionary(
                uniqueKeysWithValues: (rfm.json["data"]?.array ?? []).compactMap { row in
                    row["member_id"]?.string.map { ($0, row) }
                })
            let a = try #require(members["a"])
            let b = try #require(members["b"])
            let c = try #require(members["c"])
            #expect(rows[a]?["monetary_minor"]?.integer == 9_000)
            #expect(rows[b]?["monetary_minor"]?.integer == 15_000)
            #expect(rows[c]?["monetary_minor"]?.integer == 0)
            #expect(rows[b]?["m"]?.integer == 5)
            #expect(rows[a]?["m"]?.integer == 2)
            // A refunded order is still an order day.
            #expect(rows[a]?["frequency"]?.integer == 2)
            #expect(rows[c]?["frequency"]?.integer == 1)
        }
    }

    /// The docs' smallest bases through the API: a shop's only customer, and two customers tied on everything,
    /// are Champions in the list and in the segment counts.
    @Test(arguments: TestDatabase.engines)
    func aShopsOnlyCustomerAndCustomersTiedAtTheTopAreChampions(engine: DatabaseEngine) async throws {
        try await TestApplication.run(engine) { app in
            let only = try await app.request(
                .post, "/v1/orders", json: twoUnits("o1", customer: "only", day: "2024-02-20", unitMinor: 1500))
            #expect(only.status == .created)
            let alone = try await app.request(.get, "/v1/analytics/rfm?reference_date=2024-03-01")
            #expect(alone.status == .ok, "\(alone.text)")
            let row = try #require(alone.json["data"]?.array.first)
            #expect([row["r"], row["f"], row["m"]].map { $0?.integer } == [5, 5, 5])
            #expect(row["segment"]?.string == "champions")

            let twin = try await app.request(
                .post, "/v1/orders", json: twoUnits("o2", customer: "twin", day: "2024-02-20", unitMinor: 1500))
            #expect(twin.status == .created)
            let tied = try await app.request(.get, "/v1/analytics/rfm?reference_date=2024-03-01")
            let rows = tied.json["data"]?.array ?? []
            #expect(rows.count == 2)
            #expect(rows.allSatisfy { $0["segment"]?.string == "champions" })
            let champions = tied.json["segments"]?.array.first { $0["segment"]?.string == "champions" }
            #expect(champions?["customers"]?.integer == 2)
        }
    }
}
