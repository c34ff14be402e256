import PatronCore
import Testing

@Suite struct CouponCancellationTests {
    let now = Timestamp(rfc3339: "2026-11-22T10:00:00Z")!

    func redemption(status: CouponState = .issued, expiresAt: Timestamp? = nil) -> Redemption {
        Redemption(
            redemptionID: "rdm_1", memberID: "alice", rewardID: "COFFEE-5", kind: .discountCoupon, points: 50,
            couponCode: "7KQ2M9XD7KQ2M9XD", status: status, source: .redemption, campaignID: nil,
            issuedAt: now, expiresAt: expiresAt ?? Timestamp(millisecondsSinceEpoch: now.millisecondsSinceEpoch + 1))
    }

    func at(_ days: Int64) -> Timestamp {
        Timestamp(millisecondsSinceEpoch: now.millisecondsSinceEpoch + days * 86_400_000)
    }

    @Test func pointsGoBackOnlyToLotsThatCanStillHoldThem() throws {
        let paid = [
            PaidDraw(lotID: "lot-a", points: 10, lotStatus: .spent, lotExpiresAt: at(-1)),
            PaidDraw(lotID: "lot-b", points: 25, lotStatus: .active, lotExpiresAt: at(30)),
            PaidDraw(lotID: "lot-c", points: 5, lotStatus: .reversed, lotExpiresAt: nil),
            PaidDraw(lotID: "lot-d", points: 10, lotStatus: .spent, lotExpiresAt: nil),
        ]
        let decision = try redemption().cancellation(paidFrom: paid, at: now)
        #expect(
            decision
                == .cancel(
                    CouponCancellation(
                        restored: [LotDraw(lotID: "lot-b", points: 25), LotDraw(lotID: "lot-d", points: 10)],
                        expired: [LotDraw(lotID: "lot-a", points: 10)], reversed: [LotDraw(lotID: "lot-c", points: 5)]))
        )
        let expiringNow = CouponCancellation(
            paidFrom: [PaidDraw(lotID: "lot-e", points: 3, lotStatus: .spent, lotExpiresAt: now)], at: now)
        #expect(expiringNow.expiredPoints == 3, "a lot expires at its expiry instant")
    }

    @Test func onlyAnIssuedCouponIsCancelledAndAgainAnswersTheSame() throws {
        #expect(try redemption(status: .cancelled).cancellation(paidFrom: [], at: now) == .alreadyCancelled)
        for state in [CouponState.used, .donated] {
            #expect(throws: RewardError.notCancellable(redemptionID: "rdm_1", state: state)) {
                try redemption(status: state).cancellation(paidFrom: [], at: now)
            }
        }
        #expect(throws: RewardError.notCancellable(redemptionID: "rdm_1", state: .expired)) {
            try redemption(expiresAt: now).cancellation(paidFrom: [], at: now)
        }
    }

    /// Every point paid lands in exactly one bucket, whatever the lots' states and the time.
    @Test func everyPaidPointIsAccountedForOnce() {
        var random = SplitMixRandom(seed: 7)
        for _ in 0..<1000 {
            let paid = (0..<random.next(below: 6)).map { index in
                PaidDraw(
                    lotID: "lot-\(index)", points: Int64(1 + random.next(below: 100)),
                    lotStatus: LotStatus.allCases[random.next(below: LotStatus.allCases.count)],
                    lotExpiresAt: random.chance(3) ? nil : at(Int64(random.next(below: 5)) - 2))
            }
            let plan = CouponCancellation(paidFrom: paid, at: now)
            #expect(plan.restoredPoints + plan.expiredPoints + plan.reversedPoints == paid.reduce(0) { $0 + $1.points })
            let lots = (plan.restored + plan.expired + plan.reversed).map(\.lotID)
            #expect(lots.sorted() == paid.map(\.lotID).sorted())
            for draw in plan.restored {
                let lot = paid.first { $0.lotID == draw.lotID }!
                #expect(lot.lotStatus == .active || lot.lotStatus == .spent)
                #expect(lot.lotExpiresAt.map { $0 > now } ?? true, "nothing goes back to an expired lot")
            }
        }
    }
}
