import Hummingbird
import HummingbirdTesting
import PatronCore
import PatronStore
import PatronTestSupport
import Testing

/// Every bound `/openapi.json` states is the bound the server keeps: a value one step outside it is refused
/// at its own pointer, and nothing is stored.
@Suite struct DocumentedLimitsTests {
    /// 1025 Unicode scalars that make one character: lengths are counted as JSON Schema counts them.
    static let longOneCharacter = "e" + String(repeating: "\u{301}", count: 1024)

    @Test(arguments: TestDatabase.engines)
    func anOrderLineTooLargeToAddUpIsRefusedAndTheServerGoesOn(engine: DatabaseEngine) async throws {
        try await TestApplication.run(engine) { app in
            // Each factor is within its own bound; the product is beyond any 64-bit integer.
            let line: JSONValue = ["sku": "GOLD", "quantity": 1_000_000, "unit_price_minor": 10_000_000_000_000]
            let order = exampleOrder.setting("lines", [line]).setting("total_minor", 1)
            for path in ["/v1/orders", "/v1/rules/simulate"] {
                let refused = try await app.request(.post, path, json: order)
                #expect(refused.status == .unprocessableContent, "\(path): \(refused.text)")
                #expect(refused.errorPointers == ["/lines/0/unit_price_minor"], "\(path)")
            }
            #expect(try await app.rowCount("orders") == 0)
            #expect(try await app.request(.post, "/v1/orders", json: exampleOrder).status == .created)
        }
    }

    @Test(arguments: TestDatabase.engines)
    func programsAndRulesAreHeldToTheDocumentedBounds(engine: DatabaseEngine) async throws {
        try await TestApplication.run(engine) { app in
            let level: JSONValue = [
                "tier_id": "regular", "name": ["zh": "普通", "en": "Regular"], "threshold": 0, "multiplier": 1,
                "benefits": ["a\u{0}b", .string(Self.longOneCharacter), "free coffee"],
            ]
            let program: JSONValue = [
                "utc_offset": "+-1:00",
                "tiers": ["evaluation": ["on": "anniversary", "month": 13], "levels": [level]],
            ]
            let refused = try await app.request(.put, "/v1/program", json: program)
            #expect(refused.status == .unprocessableContent, "\(refused.text)")
            #expect(
                refused.errorPointers == [
                    "/utc_offset", "/tiers/evaluation/month", "/tiers/levels/0/benefits/0",
                    "/tiers/levels/0/benefits/1",
                ])
            #expect(try await app.request(.get, "/v1/program").json["version"]?.integer == 0, "nothing was stored")

            let match: JSONValue = ["skus": ["LATTE-L"]]
            let almostOne = try await app.request(
                .put, "/v1/rules/nearly", json: ["kind": "multiplier", "factor": 0.9995, "match": match])
            #expect(almostOne.errorPointers == ["/factor"], "checked before rounding to thousandths")
            let noUnit = try await app.request(
                .put, "/v1/rules/double", json: ["kind": "multiplier", "factor": 2, "per_minor": 0, "match": match])
            #expect(noUnit.errorPointers == ["/per_minor"], "checked for every kind")
            #expect(try await app.request(.get, "/v1/rules").json["data"]?.array.count == 2, "nothing was stored")
        }
    }

    @Test(arguments: TestDatabase.engines)
    func rewardsAreHeldToTheDocumentedBounds(engine: DatabaseEngine) async throws {
        try await TestApplication.run(engine) { app in
            let reward =
                coffeeCoupon
                .setting("name", ["zh": "咖啡券", "en": .string(Self.longOneCharacter)])
                .setting("description", ["zh": .string(String(repeating: "长", count: 1025)), "en": "long"])
                .setting("stock", 9_007_199_254_740_992)
            let refused = try await app.request(.post, "/v1/rewards", json: reward)
            #expect(refused.status == .unprocessableContent, "\(refused.text)")
            #expect(refused.errorPointers == ["/stock"], "a number beyond 2^53 − 1 is refused before anything else")
            let named = try await app.request(.post, "/v1/rewards", json: reward.setting("stock", 10))
            #expect(named.errorPointers == ["/name/en", "/description/zh"])
            let fraction = "2026-11-01T10:00:00." + String(repeating: "0", count: 60) + "Z"
            let late = try await app.request(
                .post, "/v1/rewards", json: coffeeCoupon.setting("active_from", .string(fraction)))
            #expect(late.errorPointers == ["/active_from"])
            #expect(try await app.rowCount("rewards") == 0)
        }
    }

    @Test(arguments: TestDatabase.engines)
    func datesAreDigitsOnlyAndAnAbsentOptionalMayBeNull(engine: DatabaseEngine) async throws {
        try await TestApplication.run(engine) { app in
            let member: JSONValue = ["external_id": "u-1", "birthday": "+123-01-01"]
            #expect(try await app.request(.post, "/v1/members", json: member).errorPointers == ["/birthday"])
            #expect(try await app.rowCount("members") == 0)
            let simulated = try await app.request(
                .post, "/v1/rules/simulate", json: exampleOrder.setting("order_id", .null))
            #expect(simulated.status == .ok, "\(simulated.text)")
        }
    }
}
