import PatronAnalytics
import Testing

@Suite("Customer lifetime value")
struct CustomerLifetimeValueTests {
    @Test("12-month CLV at 1% a month matches lifetimes' customer_lifetime_value on weekly data")
    func matchesLifetimes() {
        let settings = LifetimeValueSettings(horizon: 39, months: 12, monthlyDiscountRate: 0.01, unit: .week)
        let customers = [
            CustomerSummary(customerID: "1", frequency: 2, recency: 30.43, age: 38.86, monetaryValue: 22.35),
            CustomerSummary(customerID: "2", frequency: 1, recency: 1.71, age: 38.86, monetaryValue: 11.77),
            CustomerSummary(customerID: "3", frequency: 0, recency: 0, age: 38.86, monetaryValue: 0),
            CustomerSummary(customerID: "101", frequency: 5, recency: 36.14, age: 38.14, monetaryValue: 17.47),
        ]
        // lifetimes 0.11.3 (freq="W", i.e. 4.345 weeks a month) with the exact CDNOW parameters.
        let expected = [36.278_496_158_101_895, 4.637_466_460_388_453, 8.344_092_654_133_524, 74.970_503_220_747_8]
        let predictions = CustomerLifetimeValue.predictions(
            for: customers, purchaseModel: CDNOWReference.bgnbd, spendModel: CDNOWReference.gammaGamma,
            settings: settings)
        for (prediction, value) in zip(predictions, expected) {
            #expect(isClose(prediction.lifetimeValue, value, relative: 1e-8))
        }
        #expect(predictions.map(\.customerID) == ["1", "2", "3", "101"])
        #expect(isClose(predictions[0].expectedPurchases, 1.225_910_447_603_096, relative: 1e-9))
        #expect(isClose(predictions[0].expectedSpend, 24.658_616_003_150_31, relative: 1e-8))
    }

    @Test("value is the discounted sum of monthly increments")
    func discountedSum() {
        let model = BGNBDModel(r: 0.24, alpha: 4.4, a: 0.79, b: 2.4)
        let history = PurchaseHistory(frequency: 4, recency: 30, age: 39)
        let rate = 0.02
        var manual = 0.0
        for month in 1...6 {
            let increment =
                model.expectedPurchases(in: Double(month) * 4.345, given: history)
                - model.expectedPurchases(in: Double(month - 1) * 4.345, given: history)
            var discount = 1.0
            for _ in 0..<month { discount *= 1 + rate }
            manual += increment / discount
        }
        let computed = CustomerLifetimeValue.discountedPurchases(
            given: history, model: model, months: 6, monthlyDiscountRate: rate, unit: .week)
        #expect(isClose(computed, manual, relative: 1e-12))
        // Without discounting the increments telescope to the expectation over the whole span.
        let undiscounted = CustomerLifetimeValue.discountedPurchases(
            given: history, model: model, months: 6, monthlyDiscountRate: 0, unit: .week)
        #expect(isClose(undiscounted, model.expectedPurchases(in: 6 * 4.345, given: history), relative: 1e-12))
    }

    @Test("a month is 4.345 weeks or the same span in days")
    func monthLengths() {
        #expect(TimeUnit.week.unitsPerMonth == 4.345)
        #expect(abs(TimeUnit.day.unitsPerMonth - 30.415) < 1e-12)
    }
}
