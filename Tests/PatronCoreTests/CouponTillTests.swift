import PatronCore
import Testing

@Suite struct CouponTillTests {
    let now = Timestamp(rfc3339: "2026-11-22T10:00:00Z")!
    let coupon = Reward(
        rewardID: "COFFEE-5", kind: .discountCoupon, name: LocalizedName(zh: "5元咖啡券", en: "¥5 coffee coupon"),
        costPoints: 50, discountMinor: 500, minSpendMinor: 2000)

    func issued(status: CouponState = .issued, usedOn: String? = nil, expiresIn days: Int64 = 30) -> Redemption {
        Redemption(
            redemptionID: "rdm_1", memberID: "alice", rewardID: "COFFEE-5", kind: .discountCoupon, points: 50,
            couponCode: "7KQ2M9XD7KQ2M9XD", status: status, source: .redemption, campaignID: nil,
            issuedAt: now, expiresAt: Timestamp(millisecondsSinceEpoch: now.millisecondsSinceEpoch + days * 86_400_000),
            usedOrderID: usedOn)
    }

    @Test func theMinimumSpendSaysWhichTotalFellShort() {
        let sent = issued().consumption(with: coupon, onOrder: "A-1", CouponOrder(sentTotalMinor: 1500), at: now)
        #expect(sent == .refused(.belowMinimumSpend(minimumMinor: 2000, totalMinor: 1500, recorded: false)))
        if case .refused(let problem) = sent {
            #expect(problem.detail == "the order total 1500 is below the coupon's minimum spend of 2000")
        }
        let recorded = CouponOrder(recorded: .init(memberID: "alice", totalMinor: 1800))
        #expect(
            issued().consumption(with: coupon, onOrder: "A-1", recorded, at: now)
                == .refused(.belowMinimumSpend(minimumMinor: 2000, totalMinor: 1800, recorded: true)))
        #expect(
            issued().consumption(with: coupon, onOrder: "A-1", CouponOrder(), at: now)
                == .refused(.orderTotalUnknown(minimumMinor: 2000)))
        #expect(
            issued().problems(with: coupon, on: CouponOrder(), requiringTotal: false, at: now).isEmpty,
            "a check without a total does not guess one")
        let sentBeatsRecorded = CouponOrder(
            sentTotalMinor: 2500, recorded: .init(memberID: "alice", totalMinor: 1000))
        #expect(
            issued().consumption(with: coupon, onOrder: "A-1", sentBeatsRecorded, at: now) == .use(cashbackPoints: nil))
    }

    @Test func aCouponIsUsedOnceOnOneOrder() {
        let used = issued(status: .used, usedOn: "A-1")
        #expect(used.consumption(with: coupon, onOrder: "A-1", CouponOrder(), at: now) == .replay)
        #expect(
            used.consumption(with: coupon, onOrder: "A-2", CouponOrder(sentTotalMinor: 9000), at: now)
                == .refused(.usedOnAnotherOrder(orderID: "A-1")))
        let later = Timestamp(millisecondsSinceEpoch: now.millisecondsSinceEpoch + 31 * 86_400_000)
        #expect(
            issued().consumption(with: coupon, onOrder: "A-1", CouponOrder(sentTotalMinor: 9000), at: later)
                == .refused(.notUsable(state: .expired)))
        #expect(
            issued(status: .cancelled).consumption(
                with: coupon, onOrder: "A-1", CouponOrder(sentTotalMinor: 9000), at: now)
                == .refused(.notUsable(state: .cancelled)))
    }

    @Test func onlyATransferableCouponIsUsedOnAnotherMembersOrder() {
        let bobs = CouponOrder(sentTotalMinor: 3000, recorded: .init(memberID: "bob", totalMinor: 3000))
        #expect(issued().consumption(with: coupon, onOrder: "B-1", bobs, at: now) == .refused(.notTransferable))
        let named = CouponOrder(sentTotalMinor: 3000, sentMemberID: "bob")
        #expect(issued().consumption(with: coupon, onOrder: "B-1", named, at: now) == .refused(.notTransferable))
        let recordedWins = CouponOrder(
            sentTotalMinor: 3000, sentMemberID: "bob", recorded: .init(memberID: "alice", totalMinor: 3000))
        #expect(issued().consumption(with: coupon, onOrder: "A-1", recordedWins, at: now) == .use(cashbackPoints: nil))
        var giftable = coupon
        giftable.transferable = true
        #expect(issued().consumption(with: giftable, onOrder: "B-1", bobs, at: now) == .use(cashbackPoints: nil))
        #expect(
            issued().problems(with: coupon, on: bobs, requiringTotal: false, at: now).map(\.code)
                == ["not_transferable"])
    }

    @Test func cashbackIsCreditedOnUse() {
        var cashback = Reward(
            rewardID: "BACK-30", kind: .cashbackPoints, name: LocalizedName(zh: "返", en: "Back"), costPoints: 0,
            minSpendMinor: 5000, cashbackPoints: 30)
        #expect(
            issued().consumption(with: cashback, onOrder: "A-1", CouponOrder(sentTotalMinor: 5000), at: now)
                == .use(cashbackPoints: 30))
        cashback.minSpendMinor = nil
        #expect(
            issued().consumption(with: cashback, onOrder: "A-1", CouponOrder(), at: now) == .use(cashbackPoints: 30))
    }

    /// Over many random coupons and orders: using succeeds exactly when there is no problem, a check and a
    /// use agree whenever the total is known, and a discount never exceeds the order.
    @Test func usingAndCheckingAgree() {
        var random = SplitMixRandom(seed: 99)
        let states: [CouponState] = [.issued, .issued, .issued, .used, .cancelled, .donated]
        for _ in 0..<2000 {
            var reward = coupon
            reward.minSpendMinor = random.chance(3) ? nil : Int64(random.next(below: 5000))
            reward.transferable = random.chance(2)
            if random.chance(2) {
                reward.discountMinor = nil
                reward.percentOff = 1 + random.next(below: 100)
            }
            let redemption = issued(
                status: states[random.next(below: states.count)], usedOn: "A-1",
                expiresIn: Int64(random.next(below: 3)) - 1)
            let order = CouponOrder(
                sentTotalMinor: random.chance(2) ? Int64(random.next(below: 10_000)) : nil,
                sentMemberID: random.chance(3) ? "bob" : nil,
                recorded: random.chance(2)
                    ? .init(memberID: random.chance(2) ? "alice" : "bob", totalMinor: Int64(random.next(below: 10_000)))
                    : nil)
            let problems = redemption.problems(with: reward, on: order, requiringTotal: true, at: now)
            let consumption = redemption.consumption(with: reward, onOrder: "A-2", order, at: now)
            if redemption.status != .used {
                #expect((consumption == .use(cashbackPoints: nil)) == problems.isEmpty)
                if let first = problems.first { #expect(consumption == .refused(first)) }
            }
            if order.totalMinor != nil {
                #expect(problems == redemption.problems(with: reward, on: order, requiringTotal: false, at: now))
            }
            if let discount = redemption.discount(with: reward, on: order, at: now), let total = order.totalMinor {
                #expect(discount >= 0 && discount <= total)
                #expect(problems.isEmpty)
            }
        }
    }
}

/// SplitMix64 for reproducible property tests.
struct SplitMixRandom: RandomNumberGenerator {
    var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var value = state
        value = (value ^ (value >> 30)) &* 0xBF58_476D_1CE4_E5B9
        value = (value ^ (value >> 27)) &* 0x94D0_49BB_1331_11EB
        return value ^ (value >> 31)
    }

    mutating func next(below bound: Int) -> Int { Int(next() % UInt64(bound)) }

    /// True one time in `odds`.
    mutating func chance(_ odds: Int) -> Bool { next(below: odds) == 0 }
}
