import PatronAnalytics
import PatronTestSupport
import Testing

@Suite("KPIs")
struct MetricsTests {
    @Test("NPS counts promoters 9–10, passives 7–8, detractors 0–6")
    func netPromoterScore() throws {
        let score = try NetPromoterScore(ratings: [10, 9, 9, 8, 7, 6, 0, 3, 10, 10])
        #expect(score.promoters == 5 && score.passives == 2 && score.detractors == 3)
        #expect(score.score == 20)
        #expect(score.isSmallSample)
        let large = try NetPromoterScore(ratings: Array(repeating: 9, count: 30) + Array(repeating: 2, count: 10))
        #expect(large.score == 50)
        #expect(!large.isSmallSample)
        #expect(try NetPromoterScore(ratings: Array(repeating: 0, count: 5)).score == -100)
        #expect(try NetPromoterScore(ratings: []).score == nil)
        #expect(throws: NetPromoterScore.Error.ratingOutOfRange(rating: 11, position: 1)) {
            try NetPromoterScore(ratings: [10, 11])
        }
    }

    @Test("property: NPS lies in −100…100")
    func netPromoterScoreRange() throws {
        var generator = SeededGenerator(seed: 3)
        for _ in 0..<200 {
            let ratings = (0..<(1 + generator.nextInt(upperBound: 60))).map { _ in generator.nextInt(upperBound: 11) }
            let score = try #require(try NetPromoterScore(ratings: ratings).score)
            #expect(score >= -100 && score <= 100)
        }
    }

    @Test("retention worked example: 100 at start, 20 lost, 30 new, 110 at end is 80%")
    func retention() {
        #expect(CustomerMetrics.retentionRate(customersAtStart: 100, customersAtEnd: 110, newCustomers: 30) == 80)
        #expect(CustomerMetrics.churnRate(customersAtStart: 100, customersAtEnd: 110, newCustomers: 30) == 20)
        #expect(CustomerMetrics.retentionRate(customersAtStart: 0, customersAtEnd: 5, newCustomers: 5) == nil)
    }

    @Test("repurchase rate, frequency, AOV, active rate and simple CLV")
    func others() {
        #expect(CustomerMetrics.repurchaseRate(orderCounts: [0, 1, 2, 5, 1]) == 50)
        #expect(CustomerMetrics.repurchaseRate(orderCounts: [0, 0]) == nil)
        #expect(CustomerMetrics.purchaseFrequency(orders: 150, customers: 100) == 1.5)
        #expect(CustomerMetrics.averageOrderValue(revenue: 5000, orders: 200) == 25)
        #expect(CustomerMetrics.averageOrderValue(revenue: 5000, orders: 0) == nil)
        #expect(CustomerMetrics.activeMemberRate(activeMembers: 250, totalMembers: 1000) == 25)
        #expect(
            CustomerMetrics.simpleLifetimeValue(
                averageOrderValue: 50, purchasesPerYear: 4, lifetimeYears: 3, grossMargin: 0.25) == 150)
    }
}

@Suite("Cohorts")
struct CohortTests {
    @Test("retention matrix by month of first order")
    func matrix() throws {
        let transactions = try TransactionFile.read(
            text: """
                customer_id,date,amount
                a,2024-01-05,1
                a,2024-01-20,1
                a,2024-02-03,1
                b,2024-01-10,1
                b,2024-03-10,1
                c,2024-02-01,1
                c,2024-03-01,1
                d,2024-02-15,1
                """)
        let matrix = CohortRetentionMatrix(orders: transactions)
        #expect(matrix.cohorts.map(\.month.description) == ["2024-01", "2024-02"])
        #expect(matrix.cohorts[0].size == 2)
        #expect(matrix.cohorts[0].activeCustomers == [2, 1, 1])
        #expect(matrix.cohorts[1].activeCustomers == [2, 1])
        #expect(matrix.cohorts[0].retentionRates == [100, 50, 50])
        #expect(CohortRetentionMatrix(orders: []).cohorts.isEmpty)
    }
}
