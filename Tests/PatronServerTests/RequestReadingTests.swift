import Foundation
import Hummingbird
import HummingbirdTesting
import PatronCore
import PatronStore
import PatronTestSupport
import Testing

@testable import PatronServer

/// Requests the schema-driven fuzzer (scripts/contract-check.sh) found read differently from what
/// /openapi.json states.
@Suite struct RequestReadingTests {
    /// Lengths and blankness count Unicode scalars, as JSON Schema does; no stored text may hold NUL.
    @Test(arguments: TestDatabase.engines)
    func textIsReadByUnicodeScalarAndNeverHoldsNUL(engine: DatabaseEngine) async throws {
        try await TestApplication.run(engine) { app in
            let marked = try await app.request(.post, "/v1/members", json: ["external_id": " \u{301}"])
            #expect(marked.status == .created)
            let long = String(repeating: "e\u{301}", count: 101)
            let tooLong = try await app.request(
                .post, "/v1/members", json: ["external_id": "u-1", "name": .string(long)])
            #expect(tooLong.errorPointers == ["/name"])
            let nul = try await app.request(.post, "/v1/members", json: ["external_id": "u\u{0}2"])
            #expect(nul.errorPointers == ["/external_id"])
            let rule = try await app.request(
                .put, "/v1/rules/r1", json: ["kind": "activity", "points": 5, "event": "a\u{0}"])
            #expect(rule.errorPointers == ["/event"])
            let gift: JSONValue = [
                "reward_id": "gift-1", "kind": "physical_gift", "name": ["zh": " \u{301}", "en": "Gift"],
                "cost_points": 10,
            ]
            #expect(try await app.request(.post, "/v1/rewards", json: gift).status == .created)
        }
    }

    @Test(arguments: TestDatabase.engines)
    func pathParametersArePercentDecoded(engine: DatabaseEngine) async throws {
        try await TestApplication.run(engine) { app in
            let order = exampleOrder.setting("order_id", "A 1001")
            #expect(try await app.request(.post, "/v1/orders", json: order).status == .created)
            let found = try await app.request(.get, "/v1/orders/A%201001")
            #expect(found.status == .ok)
            #expect(found.json["order_id"] == "A 1001")
            let rule = try await app.request(.put, "/v1/rules/%C3%A9", json: ["kind": "tier_multiplier"])
            #expect(rule.json["rule"]?["rule_id"] == "é")
        }
    }

    /// Cursors are opaque: any base64url text is read, and starts the list wherever it sorts.
    @Test(arguments: TestDatabase.engines)
    func anyBase64URLCursorIsRead(engine: DatabaseEngine) async throws {
        try await TestApplication.run(engine) { app in
            // One character is four bits short of a byte.
            let short = try await app.request(.get, "/v1/members?cursor=A")
            #expect(short.status == .ok)
            #expect(try await app.request(.get, "/v1/members?cursor=_w").status == .ok)
            #expect(try await app.request(.get, "/v1/members?cursor=a%2Bb").status == .unprocessableContent)
        }
    }

    @Test(arguments: TestDatabase.engines)
    func idempotencyKeysAreVisibleASCII(engine: DatabaseEngine) async throws {
        try await TestApplication.run(engine) { app in
            let member = try await app.request(.post, "/v1/members", json: ["external_id": "u-1"])
            let spend = "/v1/members/\(member.json["member_id"]?.string ?? "")/points/spend"
            let spaced = try await app.request(.post, spend, json: ["points": 1], idempotencyKey: "a b")
            #expect(spaced.status == .badRequest)
            let plain = try await app.request(.post, spend, json: ["points": 1], idempotencyKey: "key-1")
            #expect(plain.status == .conflict)
        }
    }

    /// A look-back of 9·10^15 days overflowed the milliseconds it is taken in and stopped the server.
    @Test(arguments: TestDatabase.engines)
    func aSurpriseLooksBackAtMostAHundredYears(engine: DatabaseEngine) async throws {
        try await TestApplication.run(engine) { app in
            try await app.request(.post, "/v1/members", json: ["external_id": "u-1"])
            let campaign: JSONValue = [
                "campaign_id": "c-1", "count": 1, "seed": 0, "grant": ["points": 1],
                "filter": ["last_order_within_days": 9_000_000_000_000_000],
            ]
            let refused = try await app.request(.post, "/v1/campaigns/surprise", json: campaign)
            #expect(refused.errorPointers == ["/filter/last_order_within_days"])
            let century = campaign.setting("filter", ["last_order_within_days": 36_500])
            #expect(try await app.request(.post, "/v1/campaigns/surprise", json: century).status == .created)
        }
    }
}
