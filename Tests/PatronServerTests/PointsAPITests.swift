import Foundation
import Hummingbird
import HummingbirdTesting
import PatronCore
import PatronStore
import PatronTestSupport
import Testing

@Suite struct PointsAPITests {
    @Test(arguments: TestDatabase.engines)
    func aRegularMemberEarnsOnePointPerYuanAndSeesWhy(engine: DatabaseEngine) async throws {
        try await TestApplication.run(engine) { app in
            let order = try await app.request(.post, "/v1/orders", json: exampleOrder)
            #expect(order.status == .created)
            #expect(order.json["points"]?["earned"]?.integer == 64)
            let memberID = try #require(order.json["member_id"]?.string)

            let points = try await app.request(.get, "/v1/members/\(memberID)/points")
            #expect(points.status == .ok)
            #expect(points.json["available"]?.integer == 64)
            #expect(points.json["pending"]?.integer == 0)
            #expect(points.json["lifetime_earned"]?.integer == 64)
            let entry = try #require(points.json["entries"]?.array.first)
            #expect(entry["kind"]?.string == "earn")
            #expect(entry["points"]?.integer == 64)
            #expect(entry["reason"]?.string?.contains("base") == true)

            let tier = try await app.request(.get, "/v1/members/\(memberID)/tier")
            #expect(tier.json["tier"]?["tier_id"]?.string == "regular")
            #expect(tier.json["qualifying_value"]?.integer == 6400)
            #expect(tier.json["next"]?["tier"]?["tier_id"]?.string == "silver")
            #expect(tier.json["next"]?["remaining"]?.integer == 200_000 - 6400)
            #expect(try await app.request(.get, "/v1/members/mem_missing/points").status == .notFound)
        }
    }

    @Test(arguments: TestDatabase.engines)
    func spendingIsIdempotentAndNeverOverdraws(engine: DatabaseEngine) async throws {
        try await TestApplication.run(engine) { app in
            let memberID = try #require(
                try await app.request(.post, "/v1/orders", json: exampleOrder).json["member_id"]?.string)
            let path = "/v1/members/\(memberID)/points/spend"
            let spend: JSONValue = ["points": 20, "reference": "POS-778"]

            #expect(try await app.request(.post, path, json: spend).status == .badRequest, "a key is required")
            let first = try await app.request(.post, path, json: spend, idempotencyKey: "k-1")
            #expect(first.status == .created)
            #expect(first.json["balance"]?["available"]?.integer == 44)
            let retry = try await app.request(.post, path, json: spend, idempotencyKey: "k-1")
            #expect(retry.status == .ok)
            #expect(retry.text == first.text)
            let reused = try await app.request(.post, path, json: ["points": 21], idempotencyKey: "k-1")
            #expect(reused.status == .conflict)

            let short = try await app.request(.post, path, json: ["points": 45], idempotencyKey: "k-2")
            #expect(short.status == .conflict)
            #expect(short.isProblem)
            #expect(short.json["title"]?.string == "Insufficient Points")
            let invalid = try await app.request(.post, path, json: ["points": 0], idempotencyKey: "k-3")
            #expect(invalid.status == .unprocessableContent)
            #expect(invalid.errorPointers == ["/points"])

            let points = try await app.request(.get, "/v1/members/\(memberID)/points")
            #expect(points.json["available"]?.integer == 44)
            #expect(points.json["entries"]?.array.map { $0["kind"]?.string } == ["spend", "earn"])
        }
    }

    @Test(arguments: TestDatabase.engines)
    func twoHundredSimultaneousSpendsTakeExactlyTheBalance(engine: DatabaseEngine) async throws {
        try await TestApplication.run(engine) { app in
            let memberID = try #require(
                try await app.request(.post, "/v1/orders", json: exampleOrder).json["member_id"]?.string)
            let statuses = try await withThrowingTaskGroup(of: HTTPResponse.Status.self) { group in
                for index in 0..<200 {
                    group.addTask {
                        try await app.request(
                            .post, "/v1/members/\(memberID)/points/spend", json: ["points": 1],
                            idempotencyKey: "spend-\(index)"
                        ).status
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(statuses.count { $0 == .created } == 64)
            #expect(statuses.count { $0 == .conflict } == 136)
            let points = try await app.request(.get, "/v1/members/\(memberID)/points")
            #expect(points.json["available"]?.integer == 0)
            #expect(try await app.rowCount("point_entries") == 65)
        }
    }

    @Test(arguments: TestDatabase.engines)
    func fiftySimultaneousReplaysAwardOnce(engine: DatabaseEngine) async throws {
        try await TestApplication.run(engine) { app in
            let answers = try await withThrowingTaskGroup(of: (HTTPResponse.Status, String).self) { group in
                for _ in 0..<50 {
                    group.addTask {
                        let response = try await app.request(.post, "/v1/orders", json: exampleOrder)
                        return (response.status, response.text)
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            // One answer records the order; the other 49 replay it, word for word.
            #expect(answers.count { $0.0 == .created } == 1)
            #expect(answers.count { $0.0 == .ok } == 49)
            #expect(Set(answers.map(\.1)).count == 1, "every answer has the same body")
            let body = try JSONDecoder().decode(JSONValue.self, from: Data(try #require(answers.first).1.utf8))
            #expect(body["points"]?["earned"]?.integer == 64)
            let memberID = try #require(try await app.store.member(externalID: "u-42")?.id)
            let points = try await app.request(.get, "/v1/members/\(memberID)/points")
            #expect(points.json["available"]?.integer == 64)
            #expect(try await app.rowCount("point_lots") == 1)
            #expect(try await app.rowCount("point_entries") == 1)
        }
    }

    @Test(arguments: TestDatabase.engines)
    func refundsTakeBackWhatTheLinesEarnedAndNoMore(engine: DatabaseEngine) async throws {
        try await TestApplication.run(engine) { app in
            // ¥100 of coffee beans and 3 × ¥20 lattes with ¥16 off the order: 144 points.
            let order: JSONValue = [
                "order_id": "R-100", "member": ["external_id": "u-7"], "occurred_at": "2026-11-02T09:00:00Z",
                "currency": "CNY",
                "lines": [
                    ["sku": "BEANS", "category": "beans", "quantity": 1, "unit_price_minor": 10000],
                    ["sku": "LATTE", "category": "coffee", "quantity": 3, "unit_price_minor": 2000],
                ],
                "discount_minor": 1600, "total_minor": 14400,
            ]
            let created = try await app.request(.post, "/v1/orders", json: order)
            #expect(created.json["points"]?["earned"]?.integer == 144)
            let memberID = try #require(created.json["member_id"]?.string)

            let first = try await app.request(
                .post, "/v1/orders/R-100/refunds",
                json: ["refund_id": "RF-1", "lines": [["sku": "LATTE", "quantity": 1]]])
            #expect(first.status == .created)
            // A latte is ¥20 of ¥160 before the discount: ¥18 after it, and 18 of the 144 points.
            #expect(first.json["points_reversed"]?.integer == 18)
            #expect(first.json["amount_minor"]?.integer == 1800)
            #expect(first.json["balance"]?["available"]?.integer == 126)
            let replay = try await app.request(
                .post, "/v1/orders/R-100/refunds",
                json: ["refund_id": "RF-1", "lines": [["sku": "LATTE", "quantity": 1]]])
            #expect(replay.status == .ok)
            #expect(replay.text == first.text)

            let tooMany = try await app.request(
                .post, "/v1/orders/R-100/refunds",
                json: ["refund_id": "RF-2", "lines": [["sku": "LATTE", "quantity": 3]]])
            #expect(tooMany.status == .unprocessableContent)
            #expect(tooMany.errorPointers == ["/lines"])

            for (index, sku) in ["LATTE", "LATTE", "BEANS"].enumerated() {
                let refund = try await app.request(
                    .post, "/v1/orders/R-100/refunds",
                    json: ["refund_id": .string("RF-\(index + 3)"), "lines": [["sku": .string(sku), "quantity": 1]]])
                #expect(refund.status == .created)
            }
            let points = try await app.request(.get, "/v1/members/\(memberID)/points")
            #expect(points.json["available"]?.integer == 0)
            #expect(points.json["lifetime_earned"]?.integer == 0)
            let tier = try await app.request(.get, "/v1/members/\(memberID)/tier")
            #expect(tier.json["qualifying_value"]?.integer == 0)
            #expect(
                try await app.request(
                    .post, "/v1/orders/NOPE/refunds",
                    json: ["refund_id": "RF-9", "lines": [["sku": "X", "quantity": 1]]]
                ).status == .notFound)
        }
    }

    @Test(arguments: TestDatabase.engines)
    func refundPoliciesDecideAboutPointsAlreadySpent(engine: DatabaseEngine) async throws {
        try await TestApplication.run(engine) { app in
            for (policy, index) in [("refuse", 1), ("take_available", 2), ("allow_negative", 3)] {
                let put = try await app.request(.put, "/v1/program", json: ["refund_policy": .string(policy)])
                #expect(put.status == .ok)
                let order = exampleOrder.setting("order_id", .string("P-\(index)"))
                    .setting("member", ["external_id": .string("policy-\(index)")])
                let memberID = try #require(
                    try await app.request(.post, "/v1/orders", json: order).json["member_id"]?.string)
                let spent = try await app.request(
                    .post, "/v1/members/\(memberID)/points/spend", json: ["points": 50], idempotencyKey: "s")
                #expect(spent.status == .created)
                let refund = try await app.request(
                    .post, "/v1/orders/P-\(index)/refunds",
                    json: ["refund_id": .string("PR-\(index)"), "lines": [["sku": "LATTE-L", "quantity": 2]]])
                let points = try await app.request(.get, "/v1/members/\(memberID)/points")
                switch policy {
                case "refuse":
                    #expect(refund.status == .conflict)
                    #expect(points.json["available"]?.integer == 14)
                case "take_available":
                    #expect(refund.status == .created)
                    #expect(refund.json["points_forgiven"]?.integer == 50)
                    #expect(points.json["available"]?.integer == 0)
                default:
                    #expect(refund.status == .created)
                    #expect(refund.json["points_owed"]?.integer == 50)
                    #expect(points.json["available"]?.integer == -50)
                    #expect(points.json["debt"]?.integer == 50)
                    // The next 64 points repay the debt first.
                    let next = order.setting("order_id", .string("P-\(index)b"))
                    #expect(try await app.request(.post, "/v1/orders", json: next).status == .created)
                    let after = try await app.request(.get, "/v1/members/\(memberID)/points")
                    #expect(after.json["available"]?.integer == 14)
                    #expect(after.json["debt"]?.integer == 0)
                }
            }
        }
    }

    @Test(arguments: TestDatabase.engines)
    func membersMoveUpATierAsSoonAsAnOrderQualifies(engine: DatabaseEngine) async throws {
        try await TestApplication.run(engine) { app in
            // ¥2,000.00 reaches Silver; the qualifying order itself still earns at the Regular rate.
            let big = exampleOrder.setting("order_id", "T-1").setting("occurred_at", .string(isoNow()))
                .setting("lines", [["sku": "MACHINE", "quantity": 1, "unit_price_minor": 200_000]])
                .setting("total_minor", 200_000)
            let first = try await app.request(.post, "/v1/orders", json: big)
            #expect(first.json["points"]?["earned"]?.integer == 2000)
            let memberID = try #require(first.json["member_id"]?.string)
            let tier = try await app.request(.get, "/v1/members/\(memberID)/tier")
            #expect(tier.json["tier"]?["tier_id"]?.string == "silver")
            #expect(tier.json["history"]?.array.first?["reason"]?.string?.contains("upgrade") == true)
            #expect(tier.json["next"]?["tier"]?["tier_id"]?.string == "gold")

            let next = try await app.request(
                .post, "/v1/orders",
                json: exampleOrder.setting("order_id", "T-2").setting("occurred_at", .string(isoNow())))
            // 64 base points × 1.2.
            #expect(next.json["points"]?["earned"]?.integer == 76)
            let member = try await app.request(.get, "/v1/members/\(memberID)")
            #expect(member.json["tier"]?.string == "silver")
        }
    }

    @Test(arguments: TestDatabase.engines)
    func rulesAreDataValidatedOnWriteAndSimulated(engine: DatabaseEngine) async throws {
        try await TestApplication.run(engine) { app in
            let double: JSONValue = [
                "name": "Double points on coffee", "kind": "multiplier", "factor": 2, "priority": 30,
                "match": ["categories": ["coffee"]],
            ]
            let created = try await app.request(.put, "/v1/rules/coffee-double", json: double)
            #expect(created.status == .created)
            let bonus: JSONValue = [
                "kind": "amount_bonus", "points": 100, "minimum_minor": 5000, "priority": 40,
                "caps": ["per_member_per_day": 100],
            ]
            #expect(try await app.request(.put, "/v1/rules/big-basket", json: bonus).status == .created)

            let simulation = try await app.request(.post, "/v1/rules/simulate", json: exampleOrder)
            #expect(simulation.status == .ok)
            // 64 base + 64 for coffee ×2 + 100 bonus.
            #expect(simulation.json["points"]?.integer == 228)
            #expect(
                Set(simulation.json["awards"]?.array.compactMap { $0["rule_id"]?.string } ?? []) == [
                    "base", "coffee-double", "big-basket",
                ])
            #expect(try await app.rowCount("orders") == 0, "a simulation writes nothing")
            #expect(try await app.rowCount("members") == 0)

            #expect(
                try await app.request(.post, "/v1/orders", json: exampleOrder).json["points"]?["earned"]?.integer == 228
            )
            // The day's bonus cap is reached: a second order the same day gets no bonus.
            let second = exampleOrder.setting("order_id", "A-1002")
            #expect(try await app.request(.post, "/v1/orders", json: second).json["points"]?["earned"]?.integer == 128)

            let invalid = try await app.request(
                .put, "/v1/rules/broken", json: ["kind": "multiplier", "caps": ["total": -1]])
            #expect(invalid.status == .unprocessableContent)
            #expect(invalid.errorPointers == ["/factor", "/match", "/caps/total"])
            let unknownKind = try await app.request(.put, "/v1/rules/odd", json: ["kind": "lottery"])
            #expect(unknownKind.status == .unprocessableContent)
            #expect(unknownKind.errorPointers == ["/kind"])
            #expect(try await app.request(.delete, "/v1/rules/coffee-double").status == .noContent)
            #expect(try await app.request(.delete, "/v1/rules/coffee-double").status == .notFound)
            let rules = try await app.request(.get, "/v1/rules")
            #expect(rules.json["data"]?.array.compactMap { $0["rule_id"]?.string } == ["base", "tier", "big-basket"])
        }
    }

    @Test(arguments: TestDatabase.engines)
    func activitiesEarnThroughEvents(engine: DatabaseEngine) async throws {
        try await TestApplication.run(engine) { app in
            let review: JSONValue = [
                "kind": "activity", "event": "Review Written", "points": 10, "caps": ["per_member_per_month": 20],
            ]
            #expect(try await app.request(.put, "/v1/rules/review", json: review).status == .created)
            for index in 1...3 {
                let event: JSONValue = [
                    "type": "track", "user_id": "u-42", "event": "Review Written",
                    "message_id": .string("m-\(index)"),
                ]
                #expect(try await app.request(.post, "/v1/events", json: event).status == .accepted)
            }
            // A replayed message earns nothing.
            _ = try await app.request(
                .post, "/v1/events",
                json: ["type": "track", "user_id": "u-42", "event": "Review Written", "message_id": "m-1"])
            let memberID = try #require(try await app.store.member(externalID: "u-42")?.id)
            let points = try await app.request(.get, "/v1/members/\(memberID)/points")
            #expect(points.json["available"]?.integer == 20, "capped at 20 a month")
        }
    }

    @Test(arguments: TestDatabase.engines)
    func adjustmentsRecordTheReasonAndTheKey(engine: DatabaseEngine) async throws {
        try await TestApplication.run(engine) { app in
            let memberID = try #require(
                try await app.request(.post, "/v1/members", json: ["external_id": "u-9"]).json["member_id"]?.string)
            let path = "/v1/members/\(memberID)/points/adjustments"
            let grant = try await app.request(
                .post, path, json: ["points": 500, "reason": "opening balance"], idempotencyKey: "open")
            #expect(grant.status == .created)
            #expect(
                try await app.request(
                    .post, path, json: ["points": 500, "reason": "opening balance"], idempotencyKey: "open"
                ).status == .ok)
            let take = try await app.request(
                .post, path, json: ["points": -600, "reason": "mistake"], idempotencyKey: "fix")
            #expect(take.status == .conflict)
            #expect(
                try await app.request(.post, path, json: ["points": 0, "reason": ""], idempotencyKey: "z").status
                    == .unprocessableContent)
            let points = try await app.request(.get, "/v1/members/\(memberID)/points")
            #expect(points.json["available"]?.integer == 500)
            let entry = try #require(points.json["entries"]?.array.first)
            // The acting key by id: names need not be unique, ids are.
            let adminKey = try #require(try await app.store.apiKeys().first { $0.name == "test admin" })
            #expect(entry["actor"]?.string == adminKey.id)
            #expect(entry["reason"]?.string == "opening balance")

            let (_, cashier) = try await app.store.createAPIKey(name: "till", scopes: [.pointsWrite])
            #expect(
                try await app.request(
                    .post, path, json: ["points": 1, "reason": "x"], key: cashier, idempotencyKey: "c"
                ).status == .forbidden)
            let liability = try await app.request(.get, "/v1/reports/points-liability")
            #expect(liability.json["outstanding"]?.integer == 500)
            #expect(liability.json["expiring_by_month"]?.array.count == 1)
        }
    }
}

func isoNow() -> String {
    WallClock.system.now.rfc3339
}
