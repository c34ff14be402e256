import PatronCore
import Testing

@Suite struct RewardRulesTests {
    let coupon = Reward(
        rewardID: "COFFEE-5", kind: .discountCoupon, name: LocalizedName(zh: "5元咖啡券", en: "¥5 coffee coupon"),
        costPoints: 50, stock: 100, discountMinor: 500, minSpendMinor: 2000)
    let now = Timestamp(rfc3339: "2026-11-22T10:00:00Z")!

    func state(
        tier: String = "regular", points: Int64 = 100, ever: Int = 0, thisPeriod: Int = 0, stockLeft: Int64? = 10
    ) -> RedeemerState {
        RedeemerState(
            tierID: tier, availablePoints: points, redeemedEver: ever, redeemedThisPeriod: thisPeriod,
            stockLeft: stockLeft)
    }

    @Test func everyReasonIsGivenInAFixedOrder() {
        var reward = coupon
        reward.eligibleTiers = ["gold"]
        reward.perMemberLimit = 1
        reward.periodLimit = PeriodLimit(count: 1, period: .month)
        reward.activeTo = now
        let refusals = reward.refusals(for: state(points: 10, ever: 1, thisPeriod: 1, stockLeft: 0), at: now)
        #expect(
            refusals.map(\.code) == [
                "inactive", "out_of_stock", "tier_not_eligible", "insufficient_points", "member_limit_reached",
                "period_limit_reached",
            ])
        #expect(coupon.refusals(for: state(), at: now).isEmpty)
        #expect(coupon.refusals(for: state(stockLeft: nil), at: now).isEmpty, "no stock limit")
        #expect(coupon.refusals(for: state(points: 0), at: now, charging: 0).isEmpty, "a grant costs nothing")
    }

    @Test func periodsStartOnTheFirstDayOfTheirWeekMonthOrYear() {
        let sunday = CalendarDate(year: 2026, month: 11, day: 22)
        #expect(RewardPeriod.day.start(of: sunday) == sunday)
        #expect(RewardPeriod.week.start(of: sunday) == CalendarDate(year: 2026, month: 11, day: 16))
        #expect(RewardPeriod.week.start(of: CalendarDate(year: 2026, month: 11, day: 16)).day == 16)
        #expect(RewardPeriod.month.start(of: sunday) == CalendarDate(year: 2026, month: 11, day: 1))
        #expect(RewardPeriod.year.start(of: sunday) == CalendarDate(year: 2026, month: 1, day: 1))
    }

    @Test func discountsRespectTheMinimumSpendAndTheCap() {
        #expect(coupon.discount(onOrderOf: 1999) == nil)
        #expect(coupon.discount(onOrderOf: 2000) == 500)
        var percent = coupon
        percent.discountMinor = nil
        percent.percentOff = 15
        percent.maxDiscountMinor = 1000
        #expect(percent.discount(onOrderOf: 4000) == 600)
        #expect(percent.discount(onOrderOf: 10_000) == 1000)
        #expect(percent.problems().isEmpty)
        percent.discountMinor = 100
        #expect(percent.problems().map(\.pointer) == ["/percent_off"])
    }

    @Test func eachKindNeedsItsOwnFields() {
        for (kind, pointer) in [
            (RewardKind.cashbackPoints, "/cashback_points"), (.charityDonation, "/donation_minor"),
            (.convenienceBenefit, "/benefit"),
        ] {
            let reward = Reward(rewardID: "R", kind: kind, name: LocalizedName(zh: "奖", en: ""), costPoints: 1)
            #expect(reward.problems().map(\.pointer).contains(pointer), "\(kind)")
        }
        let gift = Reward(
            rewardID: "has space", kind: .physicalGift, name: LocalizedName(zh: "", en: "Mug"), costPoints: 1)
        #expect(gift.problems().map(\.pointer) == ["/reward_id", "/name/zh"], "both names are required")
    }

    @Test func aSeedChoosesTheSameMembersWhateverOrderTheyArriveIn() {
        let members = (0..<1000).map { "mem_\($0)" }
        let chosen = SeededSelection.choose(10, from: members, seed: 42)
        #expect(chosen.count == 10)
        #expect(Set(chosen).count == 10)
        #expect(SeededSelection.choose(10, from: members.reversed(), seed: 42) == chosen)
        #expect(SeededSelection.choose(10, from: members, seed: 43) != chosen)
        #expect(SeededSelection.choose(5000, from: members, seed: 1).count == 1000)
        // Every member is about as likely to be chosen: 2000 draws of 10 from 100.
        var counts = [String: Int]()
        let hundred = Array(members.prefix(100))
        for seed in 0..<2000 {
            for member in SeededSelection.choose(10, from: hundred, seed: UInt64(seed)) {
                counts[member, default: 0] += 1
            }
        }
        #expect(counts.count == 100)
        #expect(counts.values.allSatisfy { (120...280).contains($0) }, "\(counts.values.sorted())")
    }

    @Test func aMailboxIgnoresPlusTags() {
        #expect(EmailAddress("Li.Lei+shop@Example.com")?.mailbox == "li.lei@example.com")
        #expect(EmailAddress("li.lei@example.com")?.mailbox == "li.lei@example.com")
    }
}
