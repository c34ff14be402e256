import Foundation
import Hummingbird
import HummingbirdTesting
import PatronCore
import PatronStore
import PatronTestSupport
import SQLKit
import Testing

private func days(_ count: Int64) -> Timestamp {
    Timestamp(millisecondsSinceEpoch: WallClock.system.milliseconds + count * 86_400_000)
}

private let goldMug: JSONValue = [
    "reward_id": "GOLD-MUG", "kind": "physical_gift", "name": ["zh": "金卡马克杯", "en": "Gold mug"],
    "cost_points": 10, "eligible_tiers": ["gold"],
]

/// Referral settlement, cancellation, the till and campaigns, each once wrong in a way a member or an
/// operator could see.
@Suite struct RewardDefectTests {
    @Test(arguments: TestDatabase.engines)
    func aReferralRewardIsAGiftWhateverTheTierAndEverySkipIsReported(engine: DatabaseEngine) async throws {
        try await TestApplication.run(engine) { app in
            try await app.request(.post, "/v1/rewards", json: goldMug)
            try await app.request(
                .post, "/v1/rewards",
                json: goldMug.setting("reward_id", "LATER").setting("eligible_tiers", nil)
                    .setting("active_from", "2030-01-01T00:00:00Z"))
            try await app.request(
                .put, "/v1/program",
                json: ["referral": ["referee_reward_id": "GOLD-MUG", "referrer_reward_id": "LATER"]])
            let alice = try await app.memberWithPoints("alice")
            let bob = try await app.newMember("bob")
            #expect(try await app.join(try await app.referralCode(alice), bob).status == .created)
            try await app.request(
                .post, "/v1/orders", json: order("B-1", by: "bob", totalMinor: 6400, at: days(0).rfc3339))

            let run = try await app.store.settleReferrals(asOf: days(8))
            #expect(run.rewarded == 1)
            let gifts = try await app.request(.get, "/v1/members/\(bob)/redemptions")
            #expect(gifts.json["redemptions"]?.array.map { $0["reward_id"]?.string } == ["GOLD-MUG"])
            #expect(try await app.request(.get, "/v1/members/\(alice)/redemptions").json["redemptions"]?.array == [])
            #expect(try await app.available(alice) == 64 + 200, "the points are given even when the reward is not")
            #expect(run.skipped.map(\.memberID) == [alice])
            #expect(run.skipped.first?.rewardID == "LATER")
            #expect(run.skipped.first?.refusals.map(\.code) == ["inactive"])
        }
    }

    @Test(arguments: TestDatabase.engines)
    func aRefundAfterTheReturnWindowKeepsTheReferralQualifiedThoughNoJobRanYet(
        engine: DatabaseEngine
    ) async throws {
        try await TestApplication.run(engine) { app in
            let alice = try await app.memberWithPoints("alice")
            let bob = try await app.newMember("bob")
            #expect(try await app.join(try await app.referralCode(alice), bob).status == .created)
            // A backfilled order of 30 days ago: its 7-day window closed long before this refund.
            try await app.request(
                .post, "/v1/orders", json: order("B-OLD", by: "bob", totalMinor: 6400, at: days(-30).rfc3339))
            let refund = try await app.request(
                .post, "/v1/orders/B-OLD/refunds",
                json: ["refund_id": "R-1", "lines": [["sku": "BEANS", "quantity": 1]]])
            #expect(refund.status == .created, "\(refund.text)")
            #expect(try await app.store.settleReferrals(asOf: days(0)).rewarded == 1)
            #expect(try await app.available(alice) == 64 + 200)
        }
    }

    @Test(arguments: TestDatabase.engines)
    func cancellingACouponPaidFromAnExpiredLotCountsThosePointsAsExpired(engine: DatabaseEngine) async throws {
        try await TestApplication.run(engine) { app in
            try await app.request(.post, "/v1/rewards", json: coffeeCoupon)
            let memberID = try await app.memberWithPoints("u-1")
            let redeemed = try await app.request(
                .post, "/v1/members/\(memberID)/redemptions", json: ["reward_id": "COFFEE-5"], idempotencyKey: "1")
            let redemptionID = try #require(redeemed.json["redemption_id"]?.string)
            // The lot that paid expires before the coupon is cancelled.
            try await app.store.database.write {
                try await $0.raw("UPDATE point_lots SET expires_at = \(bind: days(-1).millisecondsSinceEpoch)").run()
            }
            _ = try await app.store.expirePoints(asOf: days(0))
            let cancelled = try await app.request(
                .post, "/v1/members/\(memberID)/redemptions/\(redemptionID)/cancel")
            #expect(cancelled.json["state"]?.string == "cancelled", "\(cancelled.text)")
            #expect(cancelled.json["balance"]?["available"]?.integer == 0)

            let report = try await app.request(.get, "/v1/reports/rewards").json
            let earned = report["points_earned"]?.integer
            let buckets = ["points_redeemed", "points_expired", "points_reversed", "points_outstanding"].map {
                report[$0]?.integer ?? -1_000_000
            }
            #expect(earned == 64)
            #expect(buckets == [0, 64, 0, 0], "\(report)")
            #expect(buckets.reduce(0, +) == earned)
        }
    }

    @Test(arguments: TestDatabase.engines)
    func aCouponIsNotUsedOnAnotherMembersOrderUnlessItIsTransferable(engine: DatabaseEngine) async throws {
        try await TestApplication.run(engine) { app in
            try await app.request(.post, "/v1/rewards", json: coffeeCoupon)
            try await app.request(
                .post, "/v1/rewards", json: coffeeCoupon.setting("reward_id", "GIFT-5").setting("transferable", true))
            let alice = try await app.memberWithPoints("alice", totalMinor: 20_000)
            try await app.memberWithPoints("bob")
            try await app.request(.post, "/v1/orders", json: order("BOB-2", by: "bob", totalMinor: 3000))
            func coupon(_ rewardID: String, _ key: String) async throws -> String {
                let answer = try await app.request(
                    .post, "/v1/members/\(alice)/redemptions", json: ["reward_id": .string(rewardID)],
                    idempotencyKey: key)
                return try #require(answer.json["coupon_code"]?.string, "\(answer.text)")
            }
            let own = try await coupon("COFFEE-5", "1")
            let check = try await app.request(.post, "/v1/coupons/\(own)/validate", json: ["order_id": "BOB-2"])
            #expect(check.json["valid"] == .bool(false))
            #expect(check.json["problems"]?.array.first?.string?.contains("not transferable") == true, "\(check.text)")
            let refused = try await app.request(.post, "/v1/coupons/\(own)/consume", json: ["order_id": "BOB-2"])
            #expect(refused.status == .conflict, "\(refused.text)")
            #expect(refused.json["title"]?.string == "Coupon Not Transferable")
            let byMember = try await app.request(
                .post, "/v1/coupons/\(own)/consume",
                json: ["order_id": "NEW-1", "order_total_minor": 3000, "member_id": "mem_someone_else"])
            #expect(byMember.status == .conflict, "the till may name the member of an order not recorded yet")
            #expect(
                try await app.request(.post, "/v1/coupons/\(own)/consume", json: ["order_id": "O-alice"]).status == .ok)

            let giftable = try await coupon("GIFT-5", "2")
            let given = try await app.request(.post, "/v1/coupons/\(giftable)/consume", json: ["order_id": "BOB-2"])
            #expect(given.status == .ok, "\(given.text)")
        }
    }

    @Test(arguments: TestDatabase.engines)
    func refusalsSayWhatIsTrue(engine: DatabaseEngine) async throws {
        try await TestApplication.run(engine) { app in
            try await app.request(.post, "/v1/rewards", json: coffeeCoupon.setting("stock", 3))
            let memberID = try await app.memberWithPoints("u-1")
            let redeemed = try await app.request(
                .post, "/v1/members/\(memberID)/redemptions", json: ["reward_id": "COFFEE-5"], idempotencyKey: "1")
            let code = try #require(redeemed.json["coupon_code"]?.string)
            let small = try await app.request(
                .post, "/v1/coupons/\(code)/consume", json: ["order_id": "A-1", "order_total_minor": 1500])
            #expect(small.status == .unprocessableContent)
            let detail = small.json["errors"]?.array.first?["detail"]?.string ?? ""
            #expect(!detail.contains("send order_total_minor"), "\(detail)")
            #expect(detail.contains("1500") && detail.contains("2000"), "\(detail)")
            try await app.request(.post, "/v1/orders", json: order("A-2", by: "u-1", totalMinor: 1800))
            let recorded = try await app.request(.post, "/v1/coupons/\(code)/consume", json: ["order_id": "A-2"])
            #expect(recorded.json["errors"]?.array.first?["pointer"]?.string == "/order_id", "\(recorded.text)")
            #expect(recorded.json["errors"]?.array.first?["detail"]?.string?.contains("1800") == true)

            for index in 0..<3 { try await app.memberWithPoints("v-\(index)") }
            let campaign: JSONValue = [
                "campaign_id": "three", "count": 3, "seed": 1, "filter": [:], "grant": ["reward_id": "COFFEE-5"],
            ]
            let short = try await app.request(.post, "/v1/campaigns/surprise", json: campaign)
            #expect(short.status == .conflict)
            #expect(short.json["reasons"]?.array.first?["code"]?.string == "not_enough_stock", "\(short.text)")
            let shortDetail = short.json["detail"]?.string ?? ""
            #expect(!shortDetail.contains("none are left"), "\(shortDetail)")
            #expect(shortDetail.contains("needs 3") && shortDetail.contains("2 are left"), "\(shortDetail)")
        }
    }
}
