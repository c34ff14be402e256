import Foundation
import Hummingbird
import HummingbirdTesting
import PatronCore
import PatronStore
import PatronTestSupport
import Testing

extension TestApplication {
    /// A member without orders; returns their id.
    func newMember(_ externalID: String, extra: [String: JSONValue] = [:]) async throws -> String {
        var body: [String: JSONValue] = ["external_id": .string(externalID)]
        body.merge(extra) { _, new in new }
        let answer = try await request(.post, "/v1/members", json: .object(body))
        return try #require(answer.json["member_id"]?.string, "\(answer.text)")
    }

    func join(_ code: String, _ memberID: String, extra: [String: JSONValue] = [:]) async throws -> TestResponse {
        var body: [String: JSONValue] = ["referral_code": .string(code), "member_id": .string(memberID)]
        body.merge(extra) { _, new in new }
        return try await request(.post, "/v1/referrals", json: .object(body))
    }

    func referralCode(_ memberID: String, device: String? = nil) async throws -> String {
        let answer = try await request(
            .post, "/v1/members/\(memberID)/referral", json: device.map { ["device_id": .string($0)] })
        return try #require(answer.json["code"]?.string, "\(answer.text)")
    }
}

private func days(_ count: Int64) -> Timestamp {
    Timestamp(millisecondsSinceEpoch: WallClock.system.milliseconds + count * 86_400_000)
}

@Suite struct ReferralAndCampaignTests {
    @Test(arguments: TestDatabase.engines)
    func referralsAreRefusedWithAReasonWhenTheyCannotBeReal(engine: DatabaseEngine) async throws {
        try await TestApplication.run(engine) { app in
            try await app.request(.put, "/v1/program", json: ["referral": ["max_referrals_per_member": 2]])
            let alice = try await app.memberWithPoints("alice")
            try await app.request(
                .patch, "/v1/members/\(alice)", json: ["email": "li.lei@example.com", "phone": "13800138000"])
            #expect(try await app.request(.get, "/v1/members/\(alice)/referral").json["code"] == .null)
            let code = try await app.referralCode(alice, device: "device-A")
            #expect(code.count == 8)
            #expect(try await app.referralCode(alice) == code, "the code is made once")

            func refusal(_ answer: TestResponse) -> String? {
                answer.status == .unprocessableContent ? answer.json["reasons"]?.array.first?["code"]?.string : nil
            }
            #expect(refusal(try await app.join(code, alice)) == "self_referral")
            let sameMailbox = try await app.newMember("m-1")
            #expect(
                refusal(try await app.join(code, sameMailbox, extra: ["email": "Li.Lei+new@example.com"]))
                    == "self_referral")
            let samePhone = try await app.newMember("m-2")
            #expect(
                refusal(try await app.join(code, samePhone, extra: ["phone": "+86 138 0013 8000"])) == "self_referral")
            let sameDevice = try await app.newMember("m-3")
            #expect(refusal(try await app.join(code, sameDevice, extra: ["device_id": "device-A"])) == "self_referral")
            let customer = try await app.memberWithPoints("old-customer")
            #expect(refusal(try await app.join(code, customer)) == "not_new")
            let unknown = try await app.join("ZZZZZZZZ", sameDevice)
            #expect(unknown.errorPointers == ["/referral_code"])

            let bob = try await app.newMember("bob")
            let joined = try await app.join(code.lowercased(), bob, extra: ["device_id": "device-B"])
            #expect(joined.status == .created, "\(joined.text)")
            #expect(joined.json["referrer_id"]?.string == alice)
            #expect(joined.json["status"]?.string == "joined")
            #expect(try await app.join(code, bob).status == .ok, "joining again answers the same link")
            let bobCode = try await app.referralCode(bob)
            #expect(refusal(try await app.join(bobCode, bob)) == "self_referral")

            // Carol refers Dave; Dave's code cannot then bring in Carol.
            let carol = try await app.newMember("carol")
            let dave = try await app.newMember("dave")
            #expect(try await app.join(try await app.referralCode(carol), dave).status == .created)
            #expect(refusal(try await app.join(try await app.referralCode(dave), carol)) == "loop")
            #expect(refusal(try await app.join(try await app.referralCode(dave), bob)) == "already_referred")

            #expect(try await app.join(code, sameDevice).status == .created)
            #expect(refusal(try await app.join(code, samePhone)) == "referrer_cap_reached")
            let summary = try await app.request(.get, "/v1/members/\(alice)/referral")
            #expect(summary.json["referrals"]?["joined"]?.integer == 2)
            #expect(try await app.request(.get, "/v1/members/\(bob)/referral").json["referred_by"]?.string == alice)
        }
    }

    @Test(arguments: TestDatabase.engines)
    func bothMembersAreRewardedOnceTheFirstQualifyingOrderOutlivesTheReturnWindow(
        engine: DatabaseEngine
    )
        async throws
    {
        try await TestApplication.run(engine) { app in
            try await app.request(.post, "/v1/rewards", json: coffeeCoupon.setting("stock", 1))
            try await app.request(.put, "/v1/program", json: ["referral": ["referee_reward_id": "COFFEE-5"]])
            let alice = try await app.memberWithPoints("alice")
            let code = try await app.referralCode(alice)
            let bob = try await app.newMember("bob")
            let erin = try await app.newMember("erin")
            #expect(try await app.join(code, bob).status == .created)
            #expect(try await app.join(code, erin).status == .created)

            let now = WallClock.system.milliseconds
            let today = Timestamp(millisecondsSinceEpoch: now).rfc3339
            // Below the ¥50 minimum: does not qualify. Then ¥64: qualifies.
            try await app.request(.post, "/v1/orders", json: order("B-1", by: "bob", totalMinor: 3000, at: today))
            try await app.request(.post, "/v1/orders", json: order("B-2", by: "bob", totalMinor: 6400, at: today))
            try await app.request(.post, "/v1/orders", json: order("E-1", by: "erin", totalMinor: 8000, at: today))
            let refund = try await app.request(
                .post, "/v1/orders/E-1/refunds",
                json: ["refund_id": "R-E1", "lines": [["sku": "BEANS", "quantity": 1]]])
            #expect(refund.status == .created)

            #expect(try await app.store.settleReferrals(asOf: days(1)).rewarded == 0, "inside the return window")
            #expect(try await app.store.settleReferrals(asOf: days(8)).rewarded == 1)
            #expect(try await app.store.settleReferrals(asOf: days(9)).rewarded == 0, "settled once")
            #expect(try await app.available(alice) == 64 + 200)
            #expect(try await app.available(bob) == 30 + 64 + 200)
            #expect(try await app.available(erin) == 0, "a refunded order does not qualify")
            let gift = try await app.request(.get, "/v1/members/\(bob)/redemptions")
            #expect(gift.json["redemptions"]?.array.map { $0["source"]?.string } == ["referral"])
            #expect(gift.json["redemptions"]?.array.first?["points"]?.integer == 0)
            let summary = try await app.request(.get, "/v1/members/\(alice)/referral")
            #expect(summary.json["referrals"]?["rewarded"]?.integer == 1)
            #expect(summary.json["referrals"]?["joined"]?.integer == 1)

            let report = try await app.request(.get, "/v1/reports/rewards")
            #expect(report.status == .ok)
            #expect(report.json["referrals"]?["linked"]?.integer == 2)
            #expect(report.json["referrals"]?["rewarded"]?.integer == 1)
            #expect(report.json["referrals"]?["conversion_rate"]?.number == 0.5)
            #expect(report.json["referrals"]?["referred_revenue_minor"]?.integer == 3000 + 6400)
            #expect(report.json["referrals"]?["referred_orders"]?.integer == 3)
        }
    }

    @Test(arguments: TestDatabase.engines)
    func surprisesPickTheSameMembersForTheSameSeedAndGiveOnce(engine: DatabaseEngine) async throws {
        try await TestApplication.run(engine) { app in
            let month = UTCOffset.shanghai.date(of: days(0)).month
            let birthday = String(format: "1990-%02d-15", month)
            let otherBirthday = String(format: "1990-%02d-15", month % 12 + 1)
            var celebrating: Set<String> = []
            for index in 0..<12 {
                let memberID = try await app.memberWithPoints("u-\(index)")
                let celebrates = index % 3 != 0
                try await app.request(
                    .patch, "/v1/members/\(memberID)",
                    json: ["birthday": .string(celebrates ? birthday : otherBirthday)])
                if celebrates { celebrating.insert(memberID) }
            }
            let campaign: JSONValue = [
                "campaign_id": "thanks-2026", "count": 3, "seed": 7, "filter": ["birthday_this_month": true],
                "grant": ["points": 50], "dry_run": true,
            ]
            let dry = try await app.request(.post, "/v1/campaigns/surprise", json: campaign)
            #expect(dry.status == .ok, "\(dry.text)")
            #expect(dry.json["eligible"]?.integer == celebrating.count)
            let chosen = dry.json["selected"]?.array.compactMap(\.string) ?? []
            #expect(chosen.count == 3)
            #expect(Set(chosen).isSubset(of: celebrating))
            #expect(try await app.request(.post, "/v1/campaigns/surprise", json: campaign).json == dry.json)
            var choices: Set<[String]> = []
            for seed in 1...6 {
                let other = try await app.request(
                    .post, "/v1/campaigns/surprise", json: campaign.setting("seed", .number(Double(seed))))
                choices.insert(other.json["selected"]?.array.compactMap(\.string) ?? [])
            }
            #expect(choices.count > 1, "the seed changes the choice")
            #expect(try await app.rowCount("campaign_grants") == 0, "a dry run gives nothing")

            let real = campaign.setting("dry_run", false)
            let given = try await app.request(.post, "/v1/campaigns/surprise", json: real)
            #expect(given.status == .created)
            #expect(given.json["selected"]?.array.compactMap(\.string) == chosen)
            #expect(try await app.request(.post, "/v1/campaigns/surprise", json: real).status == .ok)
            #expect(
                try await app.request(.post, "/v1/campaigns/surprise", json: real.setting("count", 4)).status
                    == .conflict)
            #expect(try await app.rowCount("campaign_grants") == 3)
            for memberID in celebrating {
                #expect(try await app.available(memberID) == (chosen.contains(memberID) ? 114 : 64))
            }
            let invalid = try await app.request(
                .post, "/v1/campaigns/surprise", json: real.setting("count", 0).setting("grant", [:]))
            #expect(invalid.errorPointers == ["/count", "/grant"])
            // Every text is held to the lengths the API's document states.
            let long = String(repeating: "长", count: 1025)
            let tooLong = try await app.request(
                .post, "/v1/campaigns/surprise",
                json: real.setting("campaign_id", "long").setting("reason", .string(long))
                    .setting("filter", ["tiers": ["金卡", .string(long)]])
                    .setting("grant", ["reward_id": .string(long)]))
            #expect(tooLong.status == .unprocessableContent)
            #expect(tooLong.errorPointers == ["/grant/reward_id", "/reason", "/filter/tiers/1"])
            #expect(try await app.rowCount("campaign_grants") == 3)
        }
    }

    @Test(arguments: TestDatabase.engines)
    func birthdayRewardsGoOutOnceAYearAndReportsAddUp(engine: DatabaseEngine) async throws {
        try await TestApplication.run(engine) { app in
            try await app.request(.post, "/v1/rewards", json: coffeeCoupon.setting("min_spend_minor", nil))
            try await app.request(
                .put, "/v1/program", json: ["birthday_reward": ["reward_id": "COFFEE-5", "points": 8]])
            let month = UTCOffset.shanghai.date(of: days(0)).month
            let member = try await app.memberWithPoints("u-1", totalMinor: 10_000)
            try await app.request(
                .patch, "/v1/members/\(member)", json: ["birthday": .string(String(format: "1990-%02d-01", month))])
            let other = try await app.memberWithPoints("u-2")

            #expect(try await app.store.grantBirthdayRewards(asOf: days(0)) == 1)
            #expect(try await app.store.grantBirthdayRewards(asOf: days(0)) == 0)
            #expect(try await app.available(member) == 108)
            #expect(try await app.available(other) == 64)
            let gifts = try await app.request(.get, "/v1/members/\(member)/redemptions")
            #expect(gifts.json["redemptions"]?.array.map { $0["source"]?.string } == ["birthday"])
            #expect(gifts.json["redemptions"]?.array.first?["points"]?.integer == 0)

            // Points earned two years ago have expired; 50 were redeemed.
            try await app.request(
                .post, "/v1/orders", json: order("OLD", by: "u-2", totalMinor: 2000, at: "2024-06-01T00:00:00Z"))
            _ = try await app.store.expirePoints(asOf: days(0))
            try await app.request(
                .post, "/v1/members/\(other)/redemptions", json: ["reward_id": "COFFEE-5"], idempotencyKey: "1")
            let report = try await app.request(.get, "/v1/reports/rewards")
            let earned = 100 + 8 + 64 + 20
            #expect(report.json["points_earned"]?.integer == earned)
            #expect(report.json["points_redeemed"]?.integer == 50)
            #expect(report.json["points_expired"]?.integer == 20)
            #expect(report.json["breakage"]?.number == 20.0 / Double(earned))
            #expect(report.json["redemption_rate"]?.number == 50.0 / Double(earned))
            #expect(report.json["most_redeemed"]?.array.first?["count"]?.integer == 2)
        }
    }

    @Test(arguments: TestDatabase.engines)
    func grantsAndRedemptionsOfOneRewardRunTogether(engine: DatabaseEngine) async throws {
        try await TestApplication.run(engine) { app in
            try await app.request(
                .post, "/v1/rewards", json: coffeeCoupon.setting("stock", nil).setting("cost_points", 20))
            var members: [String] = []
            for index in 0..<10 { members.append(try await app.memberWithPoints("u-\(index)")) }
            let campaign: JSONValue = [
                "campaign_id": "all", "count": 10, "seed": 1, "filter": [:], "grant": ["reward_id": "COFFEE-5"],
            ]
            let statuses = try await withThrowingTaskGroup(of: HTTPResponse.Status.self) { group in
                group.addTask { try await app.request(.post, "/v1/campaigns/surprise", json: campaign).status }
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
            #expect(statuses.allSatisfy { $0 == .created }, "\(statuses)")
            #expect(try await app.rowCount("redemptions") == 20)
            for memberID in members { #expect(try await app.available(memberID) == 44) }
        }
    }
}
