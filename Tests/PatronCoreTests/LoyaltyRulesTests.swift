import PatronCore
import Testing

@Suite struct LoyaltyRulesTests {
    static let tiers = TierProgram.standard
    static func at(_ text: String) -> Timestamp { Timestamp(rfc3339: text)! }

    static func context(
        lines: [OrderLine], discount: Int64 = 0, tier: String = "regular", firstOrder: Bool = false,
        birthday: Bool = false, usage: [String: RuleUsage] = [:]
    ) -> EarningContext {
        EarningContext(
            lines: lines, orderDiscountMinor: discount, channel: "app", storeID: "SH-01",
            occurredAt: at("2026-11-01T10:00:00Z"), isFirstOrder: firstOrder, isBirthdayMonth: birthday,
            tier: tiers.level(tier)!, usage: usage)
    }

    @Test func theStandardProgramGivesOnePointPerWholeYuanAfterDiscounts() {
        let latte = OrderLine(sku: "LATTE-L", category: "coffee", quantity: 2, unitPriceMinor: 3200)
        #expect(EarningEngine.evaluate(Self.context(lines: [latte]), program: .standard).points == 64)
        // ¥64.00 − ¥0.50 = ¥63.50 → 63 points (rounded down).
        #expect(EarningEngine.evaluate(Self.context(lines: [latte], discount: 50), program: .standard).points == 63)
        // Gold ×1.5: 64 + 32.
        let gold = EarningEngine.evaluate(Self.context(lines: [latte], tier: "gold"), program: .standard)
        #expect(gold.points == 96)
        #expect(gold.components.map(\.ruleID) == ["base", "tier"])
        #expect(gold.components[1].reason.contains("金卡会员"))
    }

    @Test func pointsAreSpreadOverLinesSoRefundsCanTakeThemBack() {
        let lines = [
            OrderLine(sku: "A", quantity: 1, unitPriceMinor: 10_000),
            OrderLine(sku: "B", quantity: 3, unitPriceMinor: 2_000),
        ]
        let award = EarningEngine.evaluate(Self.context(lines: lines, discount: 1_600), program: .standard)
        #expect(award.points == 144)
        #expect(award.components[0].pointsByLine == [90, 54])
        #expect(PointLots.refundShare(of: 54, quantity: 3, refundedBefore: 0, refundingNow: 1) == 18)
        // Refunding one unit at a time never takes back more than was earned, and all of it in the end.
        var taken: Int64 = 0
        for before in 0..<7 {
            taken += PointLots.refundShare(of: 20, quantity: 7, refundedBefore: Int64(before), refundingNow: 1)
        }
        #expect(taken == 20)
    }

    @Test func stackingAddsTakesTheBestOrStops() {
        var program = LoyaltyProgram.standard
        program.rules += [
            EarningRule(
                ruleID: "app-x2", kind: .multiplier, priority: 30, stacking: .bestOf,
                factor: Multiplier(thousandths: 2000), match: .init(channels: ["app"])),
            EarningRule(
                ruleID: "birthday-x3", kind: .birthdayMonthMultiplier, priority: 31, stacking: .bestOf,
                factor: Multiplier(thousandths: 3000)),
            EarningRule(ruleID: "welcome", kind: .firstOrderBonus, priority: 40, stacking: .stopAfter, points: 100),
            EarningRule(ruleID: "never", kind: .amountBonus, priority: 50, points: 1_000, minimumMinor: 1),
        ]
        let line = OrderLine(sku: "X", quantity: 1, unitPriceMinor: 10_000)
        let plain = EarningEngine.evaluate(Self.context(lines: [line]), program: program)
        #expect(plain.components.map(\.ruleID) == ["base", "never", "app-x2"], "a ×1 tier adds nothing")
        #expect(plain.points == 100 + 100 + 1_000)
        let birthdayFirst = EarningEngine.evaluate(
            Self.context(lines: [line], firstOrder: true, birthday: true), program: program)
        #expect(birthdayFirst.components.map(\.ruleID) == ["base", "welcome", "birthday-x3"])
        #expect(birthdayFirst.points == 100 + 100 + 200)
    }

    @Test func capsAndActiveWindowsLimitARule() {
        var program = LoyaltyProgram.standard
        program.rules = [
            EarningRule(
                ruleID: "base", kind: .pointsPerCurrencyUnit, points: 1, perMinor: 100, caps: .init(perMemberPerDay: 50)
            ),
            EarningRule(
                ruleID: "later", kind: .amountBonus, points: 10, minimumMinor: 1,
                activeFrom: Self.at("2027-01-01T00:00:00Z")),
        ]
        let line = OrderLine(sku: "X", quantity: 1, unitPriceMinor: 10_000)
        let capped = EarningEngine.evaluate(
            Self.context(lines: [line], usage: ["base": RuleUsage(memberToday: 20)]), program: program)
        #expect(capped.points == 30)
        #expect(capped.components[0].reason.contains("capped"))
        let activity = EarningEngine.evaluateActivity(
            event: "Shared", occurredAt: Self.at("2026-11-01T00:00:00Z"), usage: [:], program: program)
        #expect(activity.points == 0)
    }

    @Test func rulesAreValidated() {
        let broken = EarningRule(ruleID: "", kind: .activity, points: -1, caps: .init(total: 0))
        #expect(Set(broken.problems(at: "").map(\.pointer)) == ["/rule_id", "/points", "/event", "/caps/total"])
        var program = LoyaltyProgram.standard
        program.tiers.levels[2].threshold = 100
        program.rules.append(program.rules[0])
        #expect(Set(program.problems().map(\.pointer)) == ["/tiers/levels/2/threshold", "/rules/2/rule_id"])
        #expect(LoyaltyProgram.standard.problems().isEmpty)
    }

    @Test func valuesAKindDoesNotUseAreStillChecked() {
        let negative = EarningRule(ruleID: "t", kind: .tierMultiplier, points: -6486, minimumMinor: 0)
        #expect(Set(negative.problems(at: "/rule").map(\.pointer)) == ["/rule/points", "/rule/minimum_minor"])
        let positive = EarningRule(ruleID: "t", kind: .tierMultiplier, points: 5, minimumMinor: 100)
        #expect(positive.problems(at: "/rule").isEmpty)
    }

    @Test func allocationIsExactAndFair() {
        #expect(Allocation.proportional(10, weights: [1, 1, 1]) == [4, 3, 3])
        #expect(Allocation.proportional(7, weights: [0, 0]) == [7, 0])
        var random = SplitMix(seed: 0x5EED)
        for _ in 0..<500 {
            let weights = (0..<Int.random(in: 1...6, using: &random)).map { _ in
                Int64.random(in: 0...10_000, using: &random)
            }
            let total = Int64.random(in: 0...100_000, using: &random)
            let parts = Allocation.proportional(total, weights: weights)
            #expect(parts.reduce(0, +) == total)
            #expect(parts.allSatisfy { $0 >= 0 })
        }
    }

    @Test func expiryFollowsThePolicyInTheProgramsTimeZone() {
        // 2026-01-31 20:00 UTC is 2026-02-01 04:00 in Shanghai.
        let earned = Self.at("2026-01-31T20:00:00Z")
        #expect(ExpiryPolicy.never.expiry(ofPointsEarnedAt: earned, offset: .shanghai) == nil)
        // Spendable through 1 February 2027, the 365th day after the earning day; gone at the midnight ending it.
        #expect(
            ExpiryPolicy.daysAfterEarning(365).expiry(ofPointsEarnedAt: earned, offset: .shanghai)
                == Self.at("2027-02-01T16:00:00Z"))
        // End of the month 12 months later: the end of February 2027, local midnight.
        #expect(
            ExpiryPolicy(policy: .endOfMonth, months: 12).expiry(ofPointsEarnedAt: earned, offset: .shanghai)
                == Self.at("2027-02-28T16:00:00Z"))
        #expect(
            ExpiryPolicy(policy: .endOfYear, months: 0).expiry(ofPointsEarnedAt: earned, offset: .shanghai)
                == Self.at("2026-12-31T16:00:00Z"))
    }

    @Test func daysAfterEarningEndAtTheLocalMidnightThatEndsTheLastDay() {
        let policy = ExpiryPolicy.daysAfterEarning(30)
        // The last millisecond of 31 January in Shanghai, and the first of 1 February.
        let lateOnTheThirtyFirst = Self.at("2026-01-31T15:59:59.999Z")
        let firstOfFebruary = Self.at("2026-01-31T16:00:00Z")
        #expect(
            policy.expiry(ofPointsEarnedAt: lateOnTheThirtyFirst, offset: .shanghai) == Self.at("2026-03-02T16:00:00Z"))
        #expect(policy.expiry(ofPointsEarnedAt: firstOfFebruary, offset: .shanghai) == Self.at("2026-03-03T16:00:00Z"))
        // The same instants in UTC fall on 31 January both: one midnight for both.
        #expect(
            policy.expiry(ofPointsEarnedAt: lateOnTheThirtyFirst, offset: UTCOffset(minutes: 0))
                == policy.expiry(ofPointsEarnedAt: firstOfFebruary, offset: UTCOffset(minutes: 0)))
        #expect(
            policy.expiry(ofPointsEarnedAt: firstOfFebruary, offset: UTCOffset(minutes: 0))
                == Self.at("2026-03-03T00:00:00Z"))
    }

    @Test func spendsTakeTheSoonestExpiringLotsFirst() {
        let lots = [
            LotBalance(lotID: "never", remaining: 100, expiresAt: nil, earnedAt: Self.at("2026-01-01T00:00:00Z")),
            LotBalance(
                lotID: "late", remaining: 30, expiresAt: Self.at("2027-06-01T00:00:00Z"),
                earnedAt: Self.at("2026-06-01T00:00:00Z")),
            LotBalance(
                lotID: "soon", remaining: 20, expiresAt: Self.at("2027-01-01T00:00:00Z"),
                earnedAt: Self.at("2026-09-01T00:00:00Z")),
        ]
        #expect(
            PointLots.spend(60, from: lots) == [
                LotDraw(lotID: "soon", points: 20), LotDraw(lotID: "late", points: 30),
                LotDraw(lotID: "never", points: 10),
            ])
        #expect(PointLots.spend(151, from: lots) == nil)
    }

    @Test func tiersGoUpAtOnceAndDownOnlyAtEvaluationOneStepAfterGrace() {
        var tiers = TierProgram.standard
        tiers.graceDays = 30
        let joined = CalendarDate(year: 2026, month: 1, day: 10)
        let start = TierRules.initialStanding(on: joined, tiers: tiers)
        let (gold, upgrade) = TierRules.afterActivity(start, value: 900_000, on: joined, tiers: tiers, currency: .cny)
        #expect(gold.tierID == "gold")
        #expect(upgrade?.reason.contains("upgrade") == true)
        #expect(gold.nextEvaluation == CalendarDate(year: 2027, month: 1, day: 10))
        // Less spend never lowers a tier between evaluations.
        #expect(
            TierRules.afterActivity(gold, value: 0, on: joined.addingDays(100), tiers: tiers, currency: .cny).change
                == nil)
        // At evaluation with no spend: first a grace period, then one step down.
        let (graced, none) = TierRules.evaluate(gold, value: 0, on: gold.nextEvaluation, tiers: tiers, currency: .cny)
        #expect(none == nil)
        #expect(graced.tierID == "gold")
        #expect(graced.graceUntil == CalendarDate(year: 2027, month: 2, day: 9))
        let (silver, down) = TierRules.evaluate(
            graced, value: 0, on: graced.nextEvaluation, tiers: tiers, currency: .cny)
        #expect(silver.tierID == "silver")
        #expect(down?.reason.contains("downgrade") == true)
        // Raising thresholds changes nothing until the next evaluation.
        var stricter = tiers
        stricter.levels[2].threshold = 1_500_000
        #expect(
            TierRules.afterActivity(gold, value: 900_000, on: joined.addingDays(10), tiers: stricter, currency: .cny)
                .change == nil)
        var fixed = tiers
        fixed.evaluation = .init(on: .fixedDate, month: 1, day: 1)
        #expect(
            TierRules.nextEvaluation(after: joined, since: joined, tiers: fixed)
                == CalendarDate(year: 2027, month: 1, day: 1))
    }
}
