import PatronCore
import Testing

@Suite struct RefundTests {
    static func line(_ sku: String, quantity: Int64, points: Int64, refunded: Int64 = 0) -> RefundableLine {
        RefundableLine(
            lineNumber: 1, sku: sku, quantity: quantity, netMinor: points * 100, points: points,
            refundedQuantity: refunded)
    }

    static func facts(
        lines: [RefundableLine], orderLots: [OrderLot] = [], lapsed: Int64 = 0, settledBefore: Int64 = 0,
        otherLots: [Int64] = [], policy: RefundPolicy = .takeAvailable
    ) -> RefundFacts {
        RefundFacts(
            lines: lines, orderLots: orderLots, lapsedPoints: lapsed, settledBefore: settledBefore,
            otherLots: otherLots.enumerated().map { index, points in
                LotBalance(
                    lotID: "other-\(index)", remaining: points, expiresAt: nil,
                    earnedAt: Timestamp(millisecondsSinceEpoch: Int64(index)))
            },
            policy: policy)
    }

    @Test func aCancelledPendingAwardIsNotTakenAgain() throws {
        // ¥50 earned 50 at once and a 30-point bonus that was cancelled while pending.
        let facts = Self.facts(
            lines: [Self.line("CAKE", quantity: 1, points: 80)],
            orderLots: [OrderLot(lotID: "own", remaining: 50, status: .active)], lapsed: 30, otherLots: [230])
        let plan = try Refund.plan(refunding: [RefundLine(sku: "CAKE", quantity: 1)], facts: facts)
        #expect(plan.pointsEarned == 80)
        #expect(plan.fromOrderLots == [LotDraw(lotID: "own", points: 50)])
        #expect(plan.fromOtherLots.isEmpty)
        #expect(plan.lapsed == 30)
        #expect(plan.reversed == 50)
        let balance = plan.applied(to: PointBalance(available: 280, pending: 0, lifetimeEarned: 280, debt: 0))
        #expect(balance.available == 230)
    }

    @Test(arguments: RefundPolicy.allCases)
    func expiredPointsAreNotTakenFromOtherLots(policy: RefundPolicy) throws {
        let facts = Self.facts(
            lines: [Self.line("BEANS", quantity: 1, points: 30)], lapsed: 30, otherLots: [40], policy: policy)
        let plan = try Refund.plan(refunding: [RefundLine(sku: "BEANS", quantity: 1)], facts: facts)
        #expect(plan.reversed == 0)
        #expect(plan.lapsed == 30)
        #expect(plan.forgiven == 0 && plan.owed == 0)
        let balance = plan.applied(to: PointBalance(available: 40, pending: 0, lifetimeEarned: 70, debt: 0))
        #expect(balance == PointBalance(available: 40, pending: 0, lifetimeEarned: 70, debt: 0))
    }

    @Test func spentPointsFollowThePolicy() throws {
        let lines = [Self.line("LATTE", quantity: 2, points: 64)]
        let refund = [RefundLine(sku: "LATTE", quantity: 2)]
        let own = [OrderLot(lotID: "own", remaining: 14, status: .active)]

        let take = try Refund.plan(refunding: refund, facts: Self.facts(lines: lines, orderLots: own, otherLots: [20]))
        #expect(take.fromOtherLots.map(\.points) == [20])
        #expect(take.forgiven == 30)
        #expect(take.reversed == 34)

        let negative = try Refund.plan(
            refunding: refund, facts: Self.facts(lines: lines, orderLots: own, otherLots: [20], policy: .allowNegative))
        #expect(negative.owed == 30)
        #expect(negative.reversed == 64)
        let after = negative.applied(to: PointBalance(available: 34, pending: 0, lifetimeEarned: 100, debt: 0))
        #expect(after == PointBalance(available: -30, pending: 0, lifetimeEarned: 36, debt: 30))

        #expect(throws: LedgerError.refundRefused(shortfall: 30)) {
            try Refund.plan(
                refunding: refund, facts: Self.facts(lines: lines, orderLots: own, otherLots: [20], policy: .refuse))
        }
    }

    @Test func lapsedPointsAnswerForOneRefundOnly() throws {
        // 100 points: 30 expired, 70 spent. Half the units, then the other half.
        var line = Self.line("MUG", quantity: 2, points: 100)
        let first = try Refund.plan(
            refunding: [RefundLine(sku: "MUG", quantity: 1)], facts: Self.facts(lines: [line], lapsed: 30))
        #expect(first.lapsed == 30)
        #expect(first.forgiven == 20)
        line.refundedQuantity = 1
        let second = try Refund.plan(
            refunding: [RefundLine(sku: "MUG", quantity: 1)],
            facts: Self.facts(lines: [line], lapsed: 30, settledBefore: first.reversed + first.forgiven))
        #expect(second.lapsed == 0)
        #expect(second.forgiven == 50)
    }

    @Test func unitsAreMatchedBySkuAndNeverBeyondTheOrder() throws {
        let lines = [
            RefundableLine(lineNumber: 1, sku: "A", quantity: 2, netMinor: 200, points: 2, refundedQuantity: 1),
            RefundableLine(lineNumber: 2, sku: "A", quantity: 3, netMinor: 300, points: 3, refundedQuantity: 0),
        ]
        let plan = try Refund.plan(refunding: [RefundLine(sku: "A", quantity: 3)], facts: Self.facts(lines: lines))
        #expect(plan.lines == [RefundedLine(lineNumber: 1, quantity: 1), RefundedLine(lineNumber: 2, quantity: 2)])
        #expect(plan.amountMinor == 300)
        #expect(throws: LedgerError.refundExceedsOrder(sku: "A", requested: 5, refundable: 4)) {
            try Refund.plan(refunding: [RefundLine(sku: "A", quantity: 5)], facts: Self.facts(lines: lines))
        }
        #expect(throws: LedgerError.refundExceedsOrder(sku: "B", requested: 1, refundable: 0)) {
            try Refund.plan(refunding: [RefundLine(sku: "B", quantity: 1)], facts: Self.facts(lines: lines))
        }
    }

    /// One order's lots under random spends, expiries, cancellations and partial refunds: refunds settle at most
    /// what the order's lots gave less what lapsed, and every point a refund covers is accounted for once.
    @Test(arguments: RefundPolicy.allCases, 0..<40)
    func refundsNeverTakeMoreThanTheOrderGave(policy: RefundPolicy, seed: Int) throws {
        let policyIndex = RefundPolicy.allCases.firstIndex(of: policy)!
        var random = SplitMix(seed: UInt64(policyIndex * 1_000 + seed))
        var lines = (1...3).map { number in
            RefundableLine(
                lineNumber: Int64(number), sku: "S\(number)", quantity: Int64(1 + random.below(4)),
                netMinor: Int64(random.below(5_000)), points: Int64(random.below(300)), refundedQuantity: 0)
        }
        let earned = lines.reduce(0) { $0 + $1.points }
        // The order's points as two lots, one of them pending.
        let split = Int64(random.below(Int(earned) + 1))
        var lots = [
            OrderLot(lotID: "a", remaining: split, status: .active),
            OrderLot(lotID: "b", remaining: earned - split, status: .pending),
        ]
        var lapsed: Int64 = 0
        var settled: Int64 = 0
        var covered: Int64 = 0
        var other: Int64 = Int64(random.below(200))
        for _ in 0..<12 {
            switch random.below(4) {
            case 0:
                let index = random.below(2)
                let spent = Int64(random.below(Int(lots[index].remaining) + 1))
                if lots[index].status == .active { lots[index].remaining -= spent }
            case 1:
                let index = random.below(2)
                lapsed += lots[index].remaining
                lots[index].remaining = 0
            default:
                let index = random.below(lines.count)
                let left = lines[index].quantity - lines[index].refundedQuantity
                guard left > 0 else { continue }
                let units = Int64(1 + random.below(Int(left)))
                let facts = RefundFacts(
                    lines: lines, orderLots: lots.filter { $0.remaining > 0 }, lapsedPoints: lapsed,
                    settledBefore: settled,
                    otherLots: [
                        LotBalance(
                            lotID: "x", remaining: other, expiresAt: nil, earnedAt: .init(millisecondsSinceEpoch: 0))
                    ],
                    policy: policy)
                guard
                    let plan = try? Refund.plan(
                        refunding: [RefundLine(sku: lines[index].sku, quantity: units)], facts: facts)
                else {
                    #expect(policy == .refuse, "only the refuse policy refuses a refund within the order")
                    continue
                }
                for draw in plan.fromOrderLots {
                    let lot = try #require(lots.firstIndex { $0.lotID == draw.lotID })
                    #expect(draw.points <= lots[lot].remaining)
                    lots[lot].remaining -= draw.points
                }
                other -= plan.fromOtherLots.reduce(0) { $0 + $1.points }
                #expect(other >= 0)
                #expect(plan.reversed + plan.forgiven + plan.lapsed == plan.pointsEarned, "every point covered once")
                lines[index].refundedQuantity += units
                settled += plan.reversed + plan.forgiven
                covered += plan.pointsEarned
                #expect(settled <= earned - lapsed, "refunds settle no lapsed point")
                #expect(covered <= earned, "never more than the order earned")
            }
        }
    }
}

/// SplitMix64: reproducible random sequences.
struct SplitMix: RandomNumberGenerator {
    var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    mutating func below(_ bound: Int) -> Int { Int(next() % UInt64(max(bound, 1))) }
}
