import PatronCore
import Testing

@Suite struct PointsFlowTests {
    @Test func theFlowReadsTheJournalsSignedSums() {
        let flow = PointsFlow(sums: [
            .earn: 1_000, .spend: -500, .restore: 100, .expire: -200, .reverse: -50, .cancel: -30, .adjust: -20,
            .settle: 0,
        ])
        #expect(flow == PointsFlow(issued: 1_000, redeemed: 400, expired: 200, reversed: 80, adjusted: -20))
        #expect(flow.redemptionRate == 0.4)
        // Of the 600 points that left unspent or spent, 200 expired.
        #expect(flow.breakageRate == 200.0 / 600.0)
        #expect(PointsFlow(sums: [:]).redemptionRate == nil && PointsFlow(sums: [:]).breakageRate == nil)
    }

    @Test func eachEntryLeavesTheBalanceTheNewerOnesStartFrom() {
        // Earned 100, spent 30, earned 50, adjusted −5: the balance is 115.
        #expect(PointBalance.balancesAfter(newestFirst: [-5, 50, -30, 100], current: 115) == [115, 120, 70, 100])
        #expect(PointBalance.balancesAfter(newestFirst: [], current: 7) == [])
    }
}
