import PatronCore
import PatronStore
import PatronTestSupport
import SQLKit
import Testing

/// Random sequences of orders, redemptions, cancellations, expiries and refunds against the real store; after
/// every step each point earned is in exactly one of the report's buckets.
@Suite struct RewardsReportPropertyTests {
    static let members = ["p-1", "p-2", "p-3"]
    static let day: Int64 = 86_400_000

    @Test(arguments: TestDatabase.engines, [RefundPolicy.takeAvailable, .allowNegative])
    func theReportsBucketsAlwaysAddUpToWhatWasEarned(engine: DatabaseEngine, policy: RefundPolicy) async throws {
        try await TestDatabase.withStore(engine) { store in
            var program = LoyaltyProgram.standard
            program.refundPolicy = policy
            program.expiry = .daysAfterEarning(30)
            try await store.saveProgram(program, actor: "test")
            var reward = Reward(
                rewardID: "MUG", kind: .physicalGift, name: LocalizedName(zh: "杯", en: "Mug"), costPoints: 30)
            reward.couponValidDays = 90
            _ = try await store.saveReward(reward)

            var random = SeededRandom(seed: UInt64(policy.rawValue.count) * 104_729 + 5)
            var orders: [(id: String, lines: [OrderLine])] = []
            var redemptions: [(member: String, id: String)] = []
            var clock = WallClock.system.milliseconds - 200 * Self.day
            for step in 0..<150 {
                let externalID = Self.members[random.next(below: Self.members.count)]
                let instant = Timestamp(millisecondsSinceEpoch: clock)
                switch random.next(below: 10) {
                case 0...2:
                    clock += Int64(random.next(below: 4)) * Self.day
                    let lines = (0...random.next(below: 1)).map { index in
                        OrderLine(
                            sku: "SKU-\(index)", category: "coffee", quantity: Int64(1 + random.next(below: 3)),
                            unitPriceMinor: Int64(1000 + random.next(below: 4000)))
                    }
                    let id = "O-\(step)"
                    _ = try await store.recordOrder(
                        try LedgerPropertyTests.order(id, externalID: externalID, at: clock, lines: lines),
                        fingerprint: id)
                    orders.append((id, lines))
                case 3...5:
                    guard let member = try await store.member(externalID: externalID) else { continue }
                    do {
                        let (result, _) = try await store.redeem(
                            memberID: member.id, rewardID: "MUG", idempotencyKey: "R-\(step)", actor: nil, at: instant)
                        redemptions.append((member.id, result.redemption.redemptionID))
                    } catch RewardError.notRedeemable {}
                case 6:
                    guard let redemption = redemptions.randomElement(using: &random) else { continue }
                    clock += Int64(random.next(below: 20)) * Self.day
                    do {
                        _ = try await store.cancelRedemption(
                            memberID: redemption.member, redemptionID: redemption.id, actor: nil,
                            at: Timestamp(millisecondsSinceEpoch: clock))
                    } catch RewardError.notCancellable {}
                case 7:
                    _ = try await store.expirePoints(
                        asOf: Timestamp(millisecondsSinceEpoch: clock + Int64(random.next(below: 40)) * Self.day))
                default:
                    guard let order = orders.randomElement(using: &random) else { continue }
                    let line = order.lines[random.next(below: order.lines.count)]
                    do {
                        _ = try await store.refundOrder(
                            orderID: order.id, refundID: "RF-\(step)",
                            lines: [RefundLine(sku: line.sku, quantity: 1)], actor: nil,
                            at: Timestamp(millisecondsSinceEpoch: clock))
                    } catch LedgerError.refundExceedsOrder {}
                }
                let report = try await store.rewardsReport()
                #expect(
                    report.pointsRedeemed + report.pointsExpired + report.pointsReversed + report.pointsOutstanding
                        == report.pointsEarned,
                    "step \(step): \(report.pointsEarned) earned, \(report.pointsRedeemed) redeemed, \(report.pointsExpired) expired, \(report.pointsReversed) reversed, \(report.pointsOutstanding) outstanding"
                )
                #expect(report.pointsRedeemed >= 0 && report.pointsExpired >= 0 && report.pointsReversed >= 0)
                try await LedgerPropertyTests.checkInvariants(store, policy: policy, step: step)
            }
            // The sequence really cancelled coupons paid from lots that had expired or been refunded since.
            let cancellations = try await store.database.read {
                try await $0.raw(
                    """
                    SELECT DISTINCT kind FROM point_entries
                    WHERE reference LIKE 'rdm%' AND kind IN ('restore', 'expire', 'reverse')
                    """
                ).all().map { try $0.decode(column: "kind", as: String.self) }
            }
            #expect(Set(cancellations).isSuperset(of: ["restore", "expire"]), "\(cancellations)")
        }
    }
}
