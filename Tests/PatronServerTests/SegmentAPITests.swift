import Foundation
import HTTPTypes
import HummingbirdTesting
import PatronCore
import PatronStore
import PatronTestSupport
import Testing

/// Segments through the API: saved in versions with ETags, validated against the program, listed with their
/// members a page at a time, previewed before saving.
@Suite struct SegmentAPITests {
    static let buyers: JSONValue = [
        "name": "Coffee buyers",
        "rule": ["all": [["field": "orders", "min": 1], ["not": ["field": "tier", "in": ["gold"]]]]],
    ]

    @Test(arguments: TestDatabase.engines)
    func aSegmentIsSavedInVersionsAndListsItsMembers(engine: DatabaseEngine) async throws {
        try await TestApplication.run(engine) { app in
            for number in 0..<5 {
                let order = exampleOrder.setting("order_id", .string("S-\(number)"))
                    .setting("member", ["external_id": .string("u-\(number)")])
                #expect(try await app.request(.post, "/v1/orders", json: order).status == .created)
            }
            #expect(
                try await app.request(.post, "/v1/members", json: ["external_id": "no-orders"]).status == .created)

            let created = try await app.request(.put, "/v1/segments/coffee", json: Self.buyers)
            #expect(created.status == .created && created.headers[.eTag] == "\"1\"")
            #expect(created.json["rule"] == Self.buyers["rule"], "the rule as written")
            let replaced = try await app.request(
                .put, "/v1/segments/coffee", json: Self.buyers, headers: [.ifMatch: "\"1\""])
            #expect(replaced.status == .ok && replaced.json["version"] == 2)
            let stale = try await app.request(
                .put, "/v1/segments/coffee", json: Self.buyers, headers: [.ifMatch: "\"1\""])
            #expect(stale.status == .preconditionFailed)

            var seen: [JSONValue] = []
            var cursor = ""
            for _ in 0..<5 {
                let page = try await app.request(.get, "/v1/segments/coffee/members?limit=2&cursor=\(cursor)")
                #expect(page.status == .ok && page.json["count"] == 5 && page.json["universe"] == 6)
                guard case .array(let items)? = page.json["data"] else { break }
                seen += items.compactMap { $0["member_id"] }
                guard case .string(let next)? = page.json["next_cursor"] else { break }
                cursor = next
            }
            #expect(seen.count == 5 && Set(seen).count == 5, "every member once, over three pages")

            let surprise: JSONValue = [
                "campaign_id": "thanks", "count": 10, "seed": 7, "dry_run": true,
                "filter": ["segment_id": "coffee"], "grant": ["points": 5],
            ]
            let picked = try await app.request(.post, "/v1/campaigns/surprise", json: surprise)
            #expect(picked.status == .ok && picked.json["eligible"] == 5, "\(picked.text)")
            let missing = try await app.request(
                .post, "/v1/campaigns/surprise",
                json: surprise.setting("filter", ["segment_id": "nobody"]))
            #expect(missing.status == .unprocessableContent && missing.errorPointers == ["/filter/segment_id"])

            let preview = try await app.request(
                .post, "/v1/segments/preview", json: ["rule": ["field": "orders", "max": 0]])
            #expect(preview.status == .ok && preview.json["count"] == 1)
            let listed = try await app.request(.get, "/v1/segments")
            #expect(listed.json["data"] == .array([replaced.json]))

            #expect(try await app.request(.delete, "/v1/segments/coffee").status == .noContent)
            #expect(try await app.request(.get, "/v1/segments/coffee").status == .notFound)
            #expect(try await app.request(.get, "/v1/segments/coffee/members").status == .notFound)
        }
    }

    @Test(arguments: TestDatabase.engines)
    func aRuleIsCheckedAgainstTheProgramAndThePermissions(engine: DatabaseEngine) async throws {
        try await TestApplication.run(engine) { app in
            let unknown = try await app.request(
                .put, "/v1/segments/vip",
                json: [
                    "name": "VIP",
                    "rule": ["any": [["field": "tier", "in": ["platinum"]], ["field": "p_alive", "min": 2]]],
                ])
            #expect(unknown.status == .unprocessableContent)
            #expect(unknown.errorPointers == ["/rule/any/0/in/0", "/rule/any/1/min"])
            let badID = try await app.request(.put, "/v1/segments/%20", json: Self.buyers)
            #expect(badID.status == .unprocessableContent)
            let (_, reader) = try await app.store.createAPIKey(name: "analyst", scopes: [.reportsRead])
            #expect(
                try await app.request(.put, "/v1/segments/vip", json: Self.buyers, key: reader).status == .forbidden)
            #expect(try await app.request(.post, "/v1/segments/preview", json: Self.buyers, key: reader).status == .ok)
        }
    }
}
