import PatronAnalytics
import Testing

@Suite struct ValueDecilesTests {
    @Test func tenthsHoldEveryCustomerOnceHighestFirst() {
        // 23 customers with distinct values in no order: tenths of 2 or 3, sizes differing by at most one.
        let values = (0..<23).map { Double(($0 * 7) % 23) * 10 }
        let tenths = ValueDeciles(values)
        #expect(tenths.deciles.map(\.rank) == Array(1...10))
        #expect(tenths.deciles.map(\.customers).reduce(0, +) == 23)
        #expect(Set(tenths.deciles.map(\.customers)) == [2, 3])
        #expect(tenths.deciles[0].highest == 220 && tenths.deciles[9].lowest == 0)
        #expect(zip(tenths.deciles, tenths.deciles.dropFirst()).allSatisfy { $0.lowest > $1.highest })
        #expect(abs(tenths.deciles.map(\.share).reduce(0, +) - 1) < 1e-12)
        #expect(tenths.total == values.reduce(0, +))
    }

    @Test func fewCustomersOrNoValueAreStillRead() {
        #expect(ValueDeciles([5, 1, 3]).deciles.map(\.total) == [5, 3, 1])
        #expect(ValueDeciles([0, 0]).deciles.map(\.share) == [0, 0])
        #expect(ValueDeciles([]).deciles.isEmpty)
    }
}
