import Hummingbird
import HummingbirdTesting
import PatronCore
import PatronStore
import PatronTestSupport
import Testing

/// Definitions written through the API are checked whole: every problem comes back at once, each with
/// its own JSON pointer, and references to tiers and rewards must name ones that exist.
@Suite struct ProgramValidationTests {
    @Test(arguments: TestDatabase.engines)
    func everyTypeErrorInARuleIsReportedAtOnce(engine: DatabaseEngine) async throws {
        try await TestApplication.run(engine) { app in
            let rule: JSONValue = [
                "kind": "amount_bonus", "points": "ten", "minimum_minor": true, "priority": "high",
                "match": ["skus": "LATTE-L"],
            ]
            let answer = try await app.request(.put, "/v1/rules/broken", json: rule)
            #expect(answer.status == .unprocessableContent)
            #expect(answer.isProblem)
            #expect(answer.errorPointers == ["/points", "/minimum_minor", "/priority", "/match/skus"])
            // A type error and a range error in different fields come back together.
            let mixed = try await app.request(
                .put, "/v1/rules/mixed",
                json: ["kind": "activity", "points": -5, "event": 7, "pending_days": 99999, "stacking": "most"])
            #expect(mixed.errorPointers == ["/points", "/event", "/pending_days", "/stacking"])
            #expect(try await app.request(.get, "/v1/rules").json["data"]?.array.count == 2, "nothing was stored")
        }
    }

    /// Retention periods are part of the program: read back with their defaults, bounded, 0 for ever.
    @Test(arguments: TestDatabase.engines)
    func retentionPeriodsAreCheckedAndKept(engine: DatabaseEngine) async throws {
        try await TestApplication.run(engine) { app in
            let standard = try await app.request(.get, "/v1/program").json["program"]?["retention"]
            #expect(
                standard == [
                    "event_months": 13, "inactive_member_years": 3, "order_line_years": 5, "feedback_text_years": 3,
                ])
            let wrong = try await app.request(
                .put, "/v1/program",
                json: ["retention": ["event_months": 121, "inactive_member_years": -1, "order_line_years": "five"]])
            #expect(wrong.status == .unprocessableContent)
            #expect(
                wrong.errorPointers == [
                    "/retention/order_line_years", "/retention/event_months", "/retention/inactive_member_years",
                ])
            let kept = try await app.request(
                .put, "/v1/program", json: ["retention": ["event_months": 25, "inactive_member_years": 0]])
            #expect(kept.status == .ok, "\(kept.text)")
            #expect(
                try await app.request(.get, "/v1/program").json["program"]?["retention"]
                    == [
                        "event_months": 25, "inactive_member_years": 0, "order_line_years": 5,
                        "feedback_text_years": 3,
                    ])
        }
    }

    @Test(arguments: TestDatabase.engines)
    func everyTypeErrorInAProgramIsReportedAtOnce(engine: DatabaseEngine) async throws {
        try await TestApplication.run(engine) { app in
            let program: JSONValue = [
                "return_window_days": "7",
                "expiry": ["policy": "days_after_earning", "days": "365"],
                "tiers": ["window_months": "twelve", "levels": [["tier_id": "regular", "threshold": "0"]]],
                "rules": [
                    ["rule_id": "base", "kind": "points_per_currency_unit", "points": 1],
                    ["rule_id": 5, "kind": "lottery"],
                    ["rule_id": "late", "kind": "first_order_bonus", "points": 0],
                ],
                "utc_offset": "Shanghai",
            ]
            let answer = try await app.request(.put, "/v1/program", json: program)
            #expect(answer.status == .unprocessableContent)
            #expect(
                answer.errorPointers == [
                    "/return_window_days", "/expiry/days", "/tiers/window_months", "/tiers/levels/0/name",
                    "/tiers/levels/0/threshold", "/tiers/levels/0/multiplier", "/rules/1/rule_id", "/rules/1/kind",
                    "/rules/2/points", "/utc_offset",
                ])
            #expect(try await app.request(.get, "/v1/program").json["version"]?.integer == 0, "nothing was stored")
        }
    }

    @Test(arguments: TestDatabase.engines)
    func programsMayOnlyNameRewardsThatExist(engine: DatabaseEngine) async throws {
        try await TestApplication.run(engine) { app in
            let program: JSONValue = [
                "referral": ["referrer_reward_id": "NO-SUCH", "referee_reward_id": "NOR-THIS"],
                "birthday_reward": ["reward_id": "GHOST"],
            ]
            let refused = try await app.request(.put, "/v1/program", json: program)
            #expect(refused.status == .unprocessableContent)
            #expect(
                refused.errorPointers == [
                    "/referral/referrer_reward_id", "/referral/referee_reward_id", "/birthday_reward/reward_id",
                ])
            #expect(try await app.request(.get, "/v1/program").json["version"]?.integer == 0)

            let gift: JSONValue = [
                "reward_id": "WELCOME", "kind": "physical_gift", "name": ["zh": "欢迎礼", "en": "Welcome gift"],
                "cost_points": 0,
            ]
            #expect(try await app.request(.post, "/v1/rewards", json: gift).status == .created)
            let accepted = try await app.request(
                .put, "/v1/program",
                json: [
                    "referral": ["referrer_reward_id": "WELCOME", "referee_reward_id": "WELCOME"],
                    "birthday_reward": ["reward_id": "WELCOME"],
                ])
            #expect(accepted.status == .ok, "\(accepted.text)")
        }
    }

    @Test(arguments: TestDatabase.engines)
    func rewardDefinitionsThatCannotWorkAreRefused(engine: DatabaseEngine) async throws {
        try await TestApplication.run(engine) { app in
            let name: JSONValue = ["zh": "礼物", "en": "Gift"]
            let unknownTier = try await app.request(
                .post, "/v1/rewards",
                json: [
                    "reward_id": "VIP", "kind": "experience", "name": name, "cost_points": 10,
                    "eligible_tiers": ["gold", "platinum"],
                ])
            #expect(unknownTier.status == .unprocessableContent)
            #expect(unknownTier.errorPointers == ["/eligible_tiers/1"])

            let giftWithDiscount = try await app.request(
                .post, "/v1/rewards",
                json: [
                    "reward_id": "MUG", "kind": "physical_gift", "name": name, "cost_points": 10,
                    "discount_minor": 500,
                ])
            #expect(giftWithDiscount.errorPointers == ["/discount_minor"])

            let cappedFixed = try await app.request(
                .post, "/v1/rewards",
                json: [
                    "reward_id": "FIVE", "kind": "discount_coupon", "name": name, "cost_points": 10,
                    "discount_minor": 500, "max_discount_minor": 300,
                ])
            #expect(cappedFixed.errorPointers == ["/max_discount_minor"])

            let halfNamed = try await app.request(
                .post, "/v1/rewards",
                json: ["reward_id": "HALF", "kind": "experience", "name": ["zh": "体验", "en": ""], "cost_points": 1])
            #expect(halfNamed.errorPointers == ["/name/en"])
            #expect(try await app.request(.get, "/v1/rewards").json["rewards"]?.array.isEmpty == true)

            let good = try await app.request(
                .post, "/v1/rewards",
                json: [
                    "reward_id": "VIP", "kind": "experience", "name": name, "cost_points": 10,
                    "eligible_tiers": ["gold", "diamond"],
                ])
            #expect(good.status == .created)
        }
    }

    @Test(arguments: TestDatabase.engines)
    func everyMemberShowsTheirTierFromTheStart(engine: DatabaseEngine) async throws {
        try await TestApplication.run(engine) { app in
            let created = try await app.request(.post, "/v1/members", json: ["external_id": "u-1"])
            #expect(created.json["tier"]?.string == "regular")
            let memberID = try #require(created.json["member_id"]?.string)
            #expect(try await app.request(.get, "/v1/members/\(memberID)").json["tier"]?.string == "regular")
            let listed = try await app.request(.get, "/v1/members")
            #expect(listed.json["data"]?.array.first?["tier"]?.string == "regular")
            let found = try await app.request(.get, "/v1/members?external_id=u-1")
            #expect(found.json["data"]?.array.first?["tier"]?.string == "regular")
            let patched = try await app.request(.patch, "/v1/members/\(memberID)", json: ["name": "李雷"])
            #expect(patched.json["tier"]?.string == "regular")
            let tier = try await app.request(.get, "/v1/members/\(memberID)/tier")
            #expect(tier.json["tier"]?["tier_id"]?.string == "regular")

            // A member who ordered (and so has a standing) but never changed tier shows the same.
            #expect(try await app.request(.post, "/v1/orders", json: exampleOrder).status == .created)
            let buyer = try #require(try await app.store.member(externalID: "u-42")?.id)
            #expect(try await app.request(.get, "/v1/members/\(buyer)").json["tier"]?.string == "regular")
        }
    }
}
