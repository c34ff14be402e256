import PatronCore
import Testing

@Suite struct PointBalanceTests {
    @Test func spendablePointsRepayDebtFirstAndPendingOnesWait() {
        // Owes 30 after a refund: available shows it as -30.
        var balance = PointBalance(available: -30, pending: 0, lifetimeEarned: 100, debt: 30)
        #expect(balance.credit(20, pending: true) == 0)
        #expect(balance == PointBalance(available: -30, pending: 20, lifetimeEarned: 120, debt: 30))
        #expect(balance.credit(25, pending: false) == 25)
        #expect(balance == PointBalance(available: -5, pending: 20, lifetimeEarned: 145, debt: 5))
        #expect(balance.release(20) == 5)
        #expect(balance == PointBalance(available: 15, pending: 0, lifetimeEarned: 145, debt: 0))
        #expect(balance.credit(10, pending: false) == 0)
        #expect(balance.available == 25)
    }

    /// Over random credits and releases, `available + debt` always equals the points the lots still hold.
    @Test(arguments: 0..<20)
    func lotsHoldWhatTheBalanceSays(seed: Int) {
        var random = SplitMix(seed: UInt64(seed) + 11)
        let startingDebt = Int64(random.below(500))
        var balance = PointBalance(available: -startingDebt, pending: 0, lifetimeEarned: 0, debt: startingDebt)
        var spendableInLots: Int64 = 0
        var pendingLots: [Int64] = []
        for _ in 0..<50 {
            if random.below(3) == 0, let lot = pendingLots.popLast() {
                spendableInLots += lot - balance.release(lot)
            } else {
                let points = Int64(1 + random.below(200))
                let pending = random.below(2) == 0
                let repaid = balance.credit(points, pending: pending)
                #expect(repaid <= points)
                if pending { pendingLots.append(points) } else { spendableInLots += points - repaid }
            }
            #expect(balance.debt >= 0)
            #expect(balance.available + balance.debt == spendableInLots)
            #expect(balance.pending == pendingLots.reduce(0, +))
            #expect(balance.debt == 0 || spendableInLots == 0, "no lot keeps points while debt is owed")
        }
    }
}
