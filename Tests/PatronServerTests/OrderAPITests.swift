import Hummingbird
import HummingbirdTesting
import PatronCore
import PatronStore
import PatronTestSupport
import Testing

@Suite struct OrderAPITests {
    @Test(arguments: TestDatabase.engines)
    func anOrderIsRecordedOnceAndItsReplayAnswersTheSameBody(engine: DatabaseEngine) async throws {
        try await TestApplication.run(engine) { app in
            let first = try await app.request(.post, "/v1/orders", json: exampleOrder)
            #expect(first.status == .created)
            #expect(first.json["total_minor"]?.number == 6400)
            let memberID = try #require(first.json["member_id"]?.string)

            let replay = try await app.request(.post, "/v1/orders", json: exampleOrder)
            #expect(replay.status == .ok)
            #expect(replay.text == first.text)

            let reused = try await app.request(.post, "/v1/orders", json: exampleOrder.setting("store_id", "BJ-02"))
            #expect(reused.status == .conflict)
            #expect(reused.isProblem)

            #expect(try await app.request(.get, "/v1/orders/A-1001").text == first.text)
            #expect(try await app.request(.get, "/v1/orders/A-404").status == .notFound)
            let member = try await app.request(.get, "/v1/members/\(memberID)")
            #expect(member.json["external_id"]?.string == "u-42")
            #expect(member.json["name"]?.string == "李雷")
            let orders = try await app.request(.get, "/v1/members/\(memberID)/orders")
            #expect(orders.json["data"]?.array.map { $0["order_id"]?.string } == ["A-1001"])
            #expect(try await app.rowCount("orders") == 1)
            #expect(try await app.rowCount("members") == 1)
        }
    }

    @Test(arguments: TestDatabase.engines)
    func fiftySimultaneousReplaysRecordOneOrder(engine: DatabaseEngine) async throws {
        try await TestApplication.run(engine) { app in
            let order = exampleOrder.setting("order_id", "A-2001")
            let answers = try await withThrowingTaskGroup(of: (HTTPResponse.Status, String).self) { group in
                for _ in 0..<50 {
                    group.addTask {
                        let response = try await app.request(.post, "/v1/orders", json: order)
                        return (response.status, response.text)
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(answers.count { $0.0 == .created } == 1)
            #expect(answers.count { $0.0 == .ok } == 49)
            #expect(Set(answers.map(\.1)).count == 1, "every answer has the same body")
            #expect(try await app.rowCount("orders") == 1)
            #expect(try await app.rowCount("order_lines") == 1)
            #expect(try await app.rowCount("members") == 1)
            #expect(try await app.rowCount("member_identities") == 2)
        }
    }

    @Test(arguments: TestDatabase.engines)
    func aMembersOrdersArePagedNewestFirst(engine: DatabaseEngine) async throws {
        try await TestApplication.run(engine) { app in
            for day in 1...5 {
                let order = exampleOrder.setting("order_id", .string("D-\(day)"))
                    .setting("occurred_at", .string("2026-11-0\(day)T08:00:00Z"))
                #expect(try await app.request(.post, "/v1/orders", json: order).status == .created)
            }
            let memberID = try #require(try await app.store.member(externalID: "u-42")?.id)
            let first = try await app.request(.get, "/v1/members/\(memberID)/orders?limit=2")
            #expect(first.json["data"]?.array.map { $0["order_id"]?.string } == ["D-5", "D-4"])
            let cursor = try #require(first.json["next_cursor"]?.string)
            let second = try await app.request(.get, "/v1/members/\(memberID)/orders?limit=2&cursor=\(cursor)")
            #expect(second.json["data"]?.array.map { $0["order_id"]?.string } == ["D-3", "D-2"])
            #expect(try await app.request(.get, "/v1/members/mem_missing/orders").status == .notFound)
        }
    }

    @Test(arguments: TestDatabase.engines)
    func badOrdersAreRefusedAndLeaveNothingBehind(engine: DatabaseEngine) async throws {
        try await TestApplication.run(engine) { app in
            let line: JSONValue = ["sku": "LATTE-L", "quantity": 2, "unit_price_minor": 3200]
            let cases: [(JSONValue, Set<String>)] = [
                (exampleOrder.setting("total_minor", 6300), ["/total_minor"]),
                (exampleOrder.setting("lines", [line.setting("quantity", 0)]), ["/lines/0/quantity"]),
                (exampleOrder.setting("lines", [line.setting("quantity", -2)]), ["/lines/0/quantity"]),
                (exampleOrder.setting("lines", [line.setting("quantity", "2")]), ["/lines/0/quantity"]),
                (exampleOrder.setting("currency", "ABC"), ["/currency"]),
                (exampleOrder.setting("occurred_at", nil), ["/occurred_at"]),
                (exampleOrder.setting("member", nil), ["/member"]),
                (exampleOrder.setting("discount_minor", -5), ["/discount_minor"]),
                (exampleOrder.setting("member_id", "mem_nobody").setting("member", nil), ["/member_id"]),
            ]
            for (body, pointers) in cases {
                let response = try await app.request(.post, "/v1/orders", json: body)
                #expect(response.status == .unprocessableContent, "\(pointers)")
                #expect(response.isProblem)
                #expect(response.errorPointers == pointers)
            }
            let malformed = try await app.request(.post, "/v1/orders", body: "{\"order_id\": \"A-1\", ")
            #expect(malformed.status == .badRequest)
            #expect(malformed.isProblem)
            let notAnObject = try await app.request(.post, "/v1/orders", body: "[1, 2]")
            #expect(notAnObject.status == .unprocessableContent)

            let manyLines = JSONValue.array(
                Array(repeating: line.setting("name", .string(String(repeating: "x", count: 200))), count: 5000))
            let oversize = try await app.request(.post, "/v1/orders", json: exampleOrder.setting("lines", manyLines))
            #expect(oversize.status == .contentTooLarge)
            #expect(oversize.isProblem)

            #expect(try await app.rowCount("orders") == 0)
            #expect(try await app.rowCount("members") == 0)
        }
    }
}
