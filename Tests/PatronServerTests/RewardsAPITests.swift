import Foundation
import Hummingbird
import HummingbirdTesting
import PatronCore
import PatronStore
import PatronTestSupport
import SQLKit
import Testing

/// An order of `totalMinor` by the member with `externalID`, one line.
func order(
    _ orderID: String, by externalID: String, totalMinor: Int64, at occurredAt: String = "2026-11-01T10:15:00Z"
)
    -> JSONValue
{
    [
        "order_id": .string(orderID), "member": ["external_id": .string(externalID)],
        "occurred_at": .string(occurredAt), "currency": "CNY", "channel": "store",
        "lines": [["sku": "BEANS", "quantity": 1, "unit_price_minor": .number(Double(totalMinor))]],
        "total_minor": .number(Double(totalMinor)),
    ]
}

let coffeeCoupon: JSONValue = [
    "reward_id": "COFFEE-5", "kind": "discount_coupon", "name": ["zh": "5元咖啡券", "en": "¥5 coffee coupon"],
    "cost_points": 50, "stock": 100, "discount_minor": 500, "min_spend_minor": 2000,
]

extension TestApplication {
    /// A member who ordered `totalMinor` (so holds totalMinor / 100 points); returns their id.
    @discardableResult
    func memberWithPoints(_ externalID: String, totalMinor: Int64 = 6400) async throws -> String {
        let answer = try await request(
            .post, "/v1/orders", json: order("O-\(externalID)", by: externalID, totalMinor: totalMinor))
        return try #require(answer.json["member_id"]?.string, "\(answer.text)")
    }

    func available(_ memberID: String) async throws -> Int? {
        try await request(.get, "/v1/members/\(memberID)/points").json["available"]?.integer
    }
}

@Suite struct RewardsAPITests {
    @Test(arguments: TestDatabase.engines)
    func theCatalogSaysWhatAMemberCanRedeemAndWhyNot(engine: DatabaseEngine) async throws {
        try await TestApplication.run(engine) { app in
            let created = try await app.request(.post, "/v1/rewards", json: coffeeCoupon)
            #expect(created.status == .created, "\(created.text)")
            #expect(created.json["stock_left"]?.integer == 100)
            #expect(try await app.request(.post, "/v1/rewards", json: coffeeCoupon).status == .ok)
            let invalid = try await app.request(
                .post, "/v1/rewards",
                json: ["reward_id": "BAD", "kind": "discount_coupon", "name": ["zh": "", "en": ""], "cost_points": -1])
            #expect(invalid.status == .unprocessableContent)
            #expect(invalid.errorPointers == ["/name/zh", "/name/en", "/cost_points", "/discount_minor"])
            let unknownKind = try await app.request(
                .post, "/v1/rewards", json: coffeeCoupon.setting("kind", "lottery"))
            #expect(unknownKind.errorPointers == ["/kind"])

            let gift: JSONValue = [
                "reward_id": "GOLD-MUG", "kind": "physical_gift", "name": ["zh": "金卡马克杯", "en": "Gold mug"],
                "cost_points": 10, "eligible_tiers": ["gold", "diamond"],
            ]
            for reward in [
                gift,
                gift.setting("reward_id", "SOLD-OUT").setting("eligible_tiers", nil).setting("stock", 0),
                gift.setting("reward_id", "LATER").setting("eligible_tiers", nil)
                    .setting("active_from", "2030-01-01T00:00:00Z"),
                gift.setting("reward_id", "DREAM").setting("eligible_tiers", nil).setting("cost_points", 1000),
            ] {
                #expect(try await app.request(.post, "/v1/rewards", json: reward).status == .created)
            }
            let daily = gift.setting("reward_id", "DAILY").setting("eligible_tiers", nil).setting("cost_points", 1)
                .setting("period_limit", ["count": 1, "period": "day"])
            #expect(try await app.request(.post, "/v1/rewards", json: daily).status == .created)
            let memberID = try await app.memberWithPoints("u-1")
            let once = try await app.request(
                .post, "/v1/members/\(memberID)/redemptions", json: ["reward_id": "DAILY"], idempotencyKey: "d")
            #expect(once.status == .created)
            let offers = try await app.request(.get, "/v1/rewards?member_id=\(memberID)")
            #expect(offers.status == .ok)
            var reasons: [String: [String]] = [:]
            for reward in offers.json["rewards"]?.array ?? [] {
                reasons[reward["reward_id"]?.string ?? ""] = reward["reasons"]?.array.compactMap { $0["code"]?.string }
                #expect(reward["redeemable"] == .bool(reward["reasons"]?.array.isEmpty == true))
            }
            #expect(
                reasons == [
                    "COFFEE-5": [], "GOLD-MUG": ["tier_not_eligible"], "SOLD-OUT": ["out_of_stock"],
                    "LATER": ["inactive"], "DREAM": ["insufficient_points"], "DAILY": ["period_limit_reached"],
                ])
            #expect(try await app.request(.get, "/v1/rewards?member_id=mem_missing").status == .notFound)
            #expect(try await app.request(.get, "/v1/rewards/COFFEE-5").json["name"]?["zh"]?.string == "5元咖啡券")
            #expect(try await app.request(.get, "/v1/rewards/NOPE").status == .notFound)
        }
    }

    @Test(arguments: TestDatabase.engines)
    func redeemingTakesPointsAndStockOnceAndCancellingGivesThemBack(engine: DatabaseEngine) async throws {
        try await TestApplication.run(engine) { app in
            try await app.request(.post, "/v1/rewards", json: coffeeCoupon.setting("per_member_limit", 1))
            let memberID = try await app.memberWithPoints("u-1")
            let path = "/v1/members/\(memberID)/redemptions"
            #expect(try await app.request(.post, path, json: ["reward_id": "COFFEE-5"]).status == .badRequest)

            let first = try await app.request(.post, path, json: ["reward_id": "COFFEE-5"], idempotencyKey: "r-1")
            #expect(first.status == .created, "\(first.text)")
            let code = try #require(first.json["coupon_code"]?.string)
            #expect(code.wholeMatch(of: /[2-9A-HJ-NP-Z]{4}(-[2-9A-HJ-NP-Z]{4}){3}/) != nil, "\(code)")
            #expect(first.json["state"]?.string == "issued")
            #expect(first.json["points"]?.integer == 50)
            #expect(first.json["balance"]?["available"]?.integer == 14)
            let retry = try await app.request(.post, path, json: ["reward_id": "COFFEE-5"], idempotencyKey: "r-1")
            #expect(retry.status == .ok)
            #expect(retry.text == first.text)
            #expect(try await app.request(.get, "/v1/rewards/COFFEE-5").json["stock_left"]?.integer == 99)

            let again = try await app.request(.post, path, json: ["reward_id": "COFFEE-5"], idempotencyKey: "r-2")
            #expect(again.status == .conflict)
            #expect(again.json["title"]?.string == "Not Redeemable")
            #expect(
                again.json["reasons"]?.array.compactMap { $0["code"]?.string }
                    == ["insufficient_points", "member_limit_reached"])

            let redemptionID = try #require(first.json["redemption_id"]?.string)
            let cancelPath = "\(path)/\(redemptionID)/cancel"
            let cancelled = try await app.request(.post, cancelPath)
            #expect(cancelled.status == .ok, "\(cancelled.text)")
            #expect(cancelled.json["state"]?.string == "cancelled")
            #expect(cancelled.json["balance"]?["available"]?.integer == 64)
            #expect(try await app.request(.post, cancelPath).json["state"]?.string == "cancelled")
            #expect(try await app.available(memberID) == 64)
            #expect(try await app.request(.get, "/v1/rewards/COFFEE-5").json["stock_left"]?.integer == 100)
            let journal = try await app.request(.get, "/v1/members/\(memberID)/points")
            #expect(journal.json["entries"]?.array.map { $0["kind"]?.string } == ["restore", "spend", "earn"])
            let used = try await app.request(.post, "/v1/coupons/\(code)/consume", json: ["order_id": "A-1002"])
            #expect(used.status == .conflict)
            #expect(used.json["title"]?.string == "Coupon Not Usable")

            let list = try await app.request(.get, path)
            #expect(list.json["redemptions"]?.array.map { $0["state"]?.string } == ["cancelled"])
            #expect(try await app.request(.post, "\(path)/rdm_missing/cancel").status == .notFound)
        }
    }

    @Test(arguments: TestDatabase.engines)
    func theLastUnitsGoToExactlyAsManySimultaneousRedeemers(engine: DatabaseEngine) async throws {
        try await TestApplication.run(engine) { app in
            try await app.request(.post, "/v1/rewards", json: coffeeCoupon.setting("stock", 5))
            var members: [String] = []
            for index in 0..<30 { members.append(try await app.memberWithPoints("u-\(index)")) }
            let statuses = try await withThrowingTaskGroup(of: HTTPResponse.Status.self) { group in
                for memberID in members {
                    group.addTask {
                        try await app.request(
                            .post, "/v1/members/\(memberID)/redemptions", json: ["reward_id": "COFFEE-5"],
                            idempotencyKey: "k"
                        ).status
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(statuses.count { $0 == .created } == 5)
            #expect(statuses.count { $0 == .conflict } == 25)
            #expect(try await app.rowCount("redemptions") == 5)
            #expect(try await app.request(.get, "/v1/rewards/COFFEE-5").json["issued"]?.integer == 5)
            var balances: [Int] = []
            for memberID in members { balances.append(try await app.available(memberID) ?? -1) }
            #expect(balances.count { $0 == 14 } == 5)
            #expect(balances.count { $0 == 64 } == 25)
        }
    }

    @Test(arguments: TestDatabase.engines)
    func simultaneousRedemptionsNeverOverspendABalance(engine: DatabaseEngine) async throws {
        try await TestApplication.run(engine) { app in
            try await app.request(
                .post, "/v1/rewards",
                json: coffeeCoupon.setting("stock", nil).setting("cost_points", 20).setting("min_spend_minor", nil))
            let memberID = try await app.memberWithPoints("u-1")
            let statuses = try await withThrowingTaskGroup(of: HTTPResponse.Status.self) { group in
                for index in 0..<20 {
                    group.addTask {
                        try await app.request(
                            .post, "/v1/members/\(memberID)/redemptions", json: ["reward_id": "COFFEE-5"],
                            idempotencyKey: "k-\(index)"
                        ).status
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(statuses.count { $0 == .created } == 3)
            #expect(statuses.count { $0 == .conflict } == 17)
            #expect(try await app.available(memberID) == 4)
        }
    }

    @Test(arguments: TestDatabase.engines)
    func couponsAreCheckedAndUsedOnceAtTheTill(engine: DatabaseEngine) async throws {
        try await TestApplication.run(engine) { app in
            try await app.request(.post, "/v1/rewards", json: coffeeCoupon)
            let memberID = try await app.memberWithPoints("u-1")
            let redeemed = try await app.request(
                .post, "/v1/members/\(memberID)/redemptions", json: ["reward_id": "COFFEE-5"], idempotencyKey: "1")
            let code = try #require(redeemed.json["coupon_code"]?.string)

            let small = try await app.request(.post, "/v1/coupons/\(code)/validate", json: ["order_total_minor": 1000])
            #expect(small.status == .ok)
            #expect(small.json["valid"] == .bool(false))
            let fine = try await app.request(.post, "/v1/coupons/\(code)/validate", json: ["order_total_minor": 3000])
            #expect(fine.json["valid"] == .bool(true))
            #expect(fine.json["discount_minor"]?.integer == 500)
            #expect(try await app.request(.post, "/v1/coupons/\(code)/validate").json["valid"] == .bool(true))

            let unknownOrder = try await app.request(.post, "/v1/coupons/\(code)/consume", json: ["order_id": "A-1002"])
            #expect(unknownOrder.status == .unprocessableContent)
            #expect(unknownOrder.errorPointers == ["/order_total_minor"])
            try await app.request(.post, "/v1/orders", json: order("A-1002", by: "u-1", totalMinor: 3000))
            // Typed at the till: lower case, no dashes.
            let typed = code.lowercased().replacingOccurrences(of: "-", with: "")
            let used = try await app.request(.post, "/v1/coupons/\(typed)/consume", json: ["order_id": "A-1002"])
            #expect(used.status == .ok, "\(used.text)")
            #expect(used.json["state"]?.string == "used")
            #expect(used.json["used_order_id"]?.string == "A-1002")
            let again = try await app.request(.post, "/v1/coupons/\(code)/consume", json: ["order_id": "A-1002"])
            #expect(again.status == .ok)
            #expect(again.json["used_at"] == used.json["used_at"])
            let other = try await app.request(.post, "/v1/coupons/\(code)/consume", json: ["order_id": "A-1003"])
            #expect(other.status == .conflict)
            #expect(other.json["title"]?.string == "Coupon Already Used")
            #expect(try await app.request(.post, "/v1/coupons/2222-2222-2222-2222/validate").status == .notFound)
            #expect(
                try await app.request(.post, "/v1/coupons/nonsense/consume", json: ["order_id": "x"]).status
                    == .notFound)
            let missing = try await app.request(.post, "/v1/coupons/\(code)/consume", json: ["order_total_minor": 1])
            #expect(missing.errorPointers == ["/order_id"])
        }
    }

    @Test(arguments: TestDatabase.engines)
    func cashbackCreditsPointsDonationsCompleteAndCouponsExpire(engine: DatabaseEngine) async throws {
        try await TestApplication.run(engine) { app in
            let name: JSONValue = ["zh": "返积分", "en": "Cashback"]
            try await app.request(
                .post, "/v1/rewards",
                json: [
                    "reward_id": "BACK-30", "kind": "cashback_points", "name": name, "cost_points": 0,
                    "cashback_points": 30, "min_spend_minor": 5000,
                ])
            try await app.request(
                .post, "/v1/rewards",
                json: [
                    "reward_id": "GIVE", "kind": "charity_donation", "name": ["zh": "捐赠", "en": "Donate"],
                    "cost_points": 40, "donation_minor": 400, "charity": "壹基金",
                ])
            let memberID = try await app.memberWithPoints("u-1")
            let path = "/v1/members/\(memberID)/redemptions"
            let cashback = try await app.request(.post, path, json: ["reward_id": "BACK-30"], idempotencyKey: "1")
            let code = try #require(cashback.json["coupon_code"]?.string)
            let used = try await app.request(
                .post, "/v1/coupons/\(code)/consume", json: ["order_id": "A-9", "order_total_minor": 5000])
            #expect(used.status == .ok)
            #expect(try await app.available(memberID) == 94)

            let donated = try await app.request(.post, path, json: ["reward_id": "GIVE"], idempotencyKey: "2")
            #expect(donated.status == .created)
            #expect(donated.json["state"]?.string == "donated")
            #expect(donated.json["coupon_code"] == .null)
            #expect(try await app.available(memberID) == 54)
            let notCancellable = try await app.request(
                .post, "\(path)/\(donated.json["redemption_id"]?.string ?? "")/cancel")
            #expect(notCancellable.status == .conflict)

            let second = try await app.request(.post, path, json: ["reward_id": "BACK-30"], idempotencyKey: "3")
            let secondCode = try #require(second.json["coupon_code"]?.string)
            try await app.store.database.write {
                try await $0.raw("UPDATE redemptions SET expires_at = 1 WHERE coupon_code = \(bind: secondCode)").run()
            }
            let check = try await app.request(.post, "/v1/coupons/\(secondCode)/validate")
            #expect(check.json["state"]?.string == "expired")
            #expect(check.json["valid"] == .bool(false))
            let expired = try await app.request(
                .post, "/v1/coupons/\(secondCode)/consume", json: ["order_id": "A-10", "order_total_minor": 9000])
            #expect(expired.status == .conflict)
            #expect(expired.json["detail"]?.string?.hasSuffix("is expired") == true)
        }
    }
}
