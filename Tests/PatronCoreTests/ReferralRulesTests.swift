import PatronCore
import Testing

@Suite struct ReferralRulesTests {
    let program = ReferralProgram.standard
    let now = Timestamp(rfc3339: "2026-11-22T10:00:00Z")!

    func at(_ days: Int64, _ milliseconds: Int64 = 0) -> Timestamp {
        Timestamp(millisecondsSinceEpoch: now.millisecondsSinceEpoch + days * 86_400_000 + milliseconds)
    }

    func facts(
        existing: String? = nil, email: String? = nil, phone: String? = nil, device: Bool = false,
        ordered: Bool = false, ancestors: [String] = [], referrals: Int = 0
    ) -> ReferralJoinFacts {
        ReferralJoinFacts(
            refereeID: "bob", referrerID: "alice", existingReferrerID: existing,
            refereeEmails: [email].compactMap { $0.flatMap(EmailAddress.init) },
            refereePhones: [phone].compactMap { $0 },
            referrerEmail: EmailAddress("li.lei@example.com"), referrerPhone: "+8613800138000",
            sharesReferrerDevice: device, refereeHasOrdered: ordered, referrerAncestors: ancestors,
            referrerReferrals: referrals)
    }

    @Test func aJoinIsRefusedForTheFirstReasonThatApplies() {
        #expect(program.decide(facts()) == .link)
        var own = facts()
        own.refereeID = "alice"
        #expect(program.decide(own) == .refused(.selfReferral))
        #expect(program.decide(facts(existing: "alice", ordered: true)) == .alreadyLinked)
        #expect(program.decide(facts(existing: "carol")) == .refused(.alreadyReferred))
        #expect(program.decide(facts(email: "Li.Lei+new@example.com")) == .refused(.selfReferral))
        #expect(program.decide(facts(phone: "+8613800138000")) == .refused(.selfReferral))
        #expect(program.decide(facts(device: true, ordered: true)) == .refused(.selfReferral))
        #expect(program.decide(facts(ordered: true, ancestors: ["bob"])) == .refused(.notNew))
        #expect(program.decide(facts(ancestors: ["carol", "bob"], referrals: 50)) == .refused(.loop))
        #expect(program.decide(facts(referrals: 49)) == .link)
        #expect(program.decide(facts(referrals: 50)) == .refused(.referrerCapReached))
    }

    @Test func anOrderOfTheMinimumStartsTheReturnWindow() {
        func order(_ total: Int64) -> Order {
            Order(
                orderID: "B-1", memberID: "bob", occurredAt: now, currency: "CNY", channel: "store", storeID: nil,
                lines: [], subtotalMinor: total, discountMinor: 0, shippingMinor: 0, totalMinor: total, createdAt: now)
        }
        #expect(ReferralQualification(order: order(4999), program: program, returnWindowDays: 7) == nil)
        let start = ReferralQualification(order: order(5000), program: program, returnWindowDays: 7)
        #expect(start?.dueAt == at(7))
        #expect(start?.from == .joined)
        #expect(start?.to == .qualifying)
    }

    /// Over random refund times: a refund sends the referral back to waiting exactly when it is of the
    /// qualifying order and before the window closes; when the settlement runs plays no part.
    @Test func onlyARefundInsideTheWindowUnqualifies() {
        var random = SplitMixRandom(seed: 3)
        let statuses = ReferralStatus.allCases
        for _ in 0..<2000 {
            let status = statuses[random.next(below: statuses.count)]
            let link = ReferralLink(
                refereeID: "bob", referrerID: "alice", status: status, orderID: "B-1", dueAt: at(7), createdAt: now)
            let refundedAt = at(Int64(random.next(below: 30)) - 10, Int64(random.next(below: 3)) - 1)
            let orderID = random.chance(4) ? "B-2" : "B-1"
            let after = link.afterRefund(ofOrder: orderID, at: refundedAt)
            let inside = status == .qualifying && orderID == "B-1" && refundedAt < at(7)
            #expect((after != nil) == inside)
            if let after {
                #expect(after.status == .joined && after.orderID == nil && after.dueAt == nil)
            }
        }
        let link = ReferralLink(
            refereeID: "bob", referrerID: "alice", status: .qualifying, orderID: "B-1", dueAt: at(7), createdAt: now)
        #expect(link.afterRefund(ofOrder: "B-1", at: at(7, -1)) != nil)
        #expect(link.afterRefund(ofOrder: "B-1", at: at(7)) == nil, "the window closes at its due time")
        #expect(!link.isDue(at: at(7, -1)))
        #expect(link.isDue(at: at(7)))
    }

    @Test func settlingGivesBothMembersTheirGrant() {
        var referral = program
        referral.refereePoints = 0
        referral.refereeRewardID = "GOLD-MUG"
        let link = ReferralLink(
            refereeID: "bob", referrerID: "alice", status: .qualifying, orderID: "B-1", dueAt: now, createdAt: now)
        let grants = referral.grants(settling: link)
        #expect(grants.map(\.memberID) == ["alice", "bob"])
        #expect(grants.map(\.grant) == [GrantedReward(points: 200), GrantedReward(rewardID: "GOLD-MUG")])
        #expect(Set(grants.map(\.campaignID)) == ["referral:bob"])
    }

    @Test func aGiftIgnoresTheTierButNotStockOrTime() {
        var mug = Reward(
            rewardID: "GOLD-MUG", kind: .physicalGift, name: LocalizedName(zh: "杯", en: "Mug"), costPoints: 500,
            eligibleTiers: ["gold"])
        let state = RedeemerState(
            tierID: "regular", availablePoints: 0, redeemedEver: 0, redeemedThisPeriod: 0, stockLeft: 3)
        #expect(mug.refusals(for: state, at: now).map(\.code) == ["tier_not_eligible", "insufficient_points"])
        #expect(mug.giftRefusals(for: state, at: now).isEmpty)
        mug.activeFrom = at(1)
        var empty = state
        empty.stockLeft = 0
        #expect(mug.giftRefusals(for: empty, at: now).map(\.code) == ["inactive", "out_of_stock"])
        #expect(mug.stockRefusal(forGrantsTo: 3, stockLeft: 3) == nil)
        #expect(mug.stockRefusal(forGrantsTo: 3, stockLeft: nil) == nil)
        #expect(mug.stockRefusal(forGrantsTo: 3, stockLeft: 0) == .outOfStock)
        let short = mug.stockRefusal(forGrantsTo: 3, stockLeft: 2)
        #expect(short == .notEnoughStock(needed: 3, left: 2))
        #expect(short?.detail == "the campaign needs 3 and 2 are left")
    }
}
