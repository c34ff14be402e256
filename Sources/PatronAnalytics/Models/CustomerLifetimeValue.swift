/// Settings for predicting purchases and discounted lifetime value.
public struct LifetimeValueSettings: Sendable, Hashable, Codable {
    /// The horizon for ``CustomerPrediction/expectedPurchases``, in the data's time unit.
    public var horizon: Double
    /// Months summed in the lifetime value.
    public var months: Int
    /// The monthly discount rate d: month i is divided by (1 + d)^i.
    public var monthlyDiscountRate: Double
    /// The data's time unit, which fixes the length of a month.
    public var unit: TimeUnit

    /// Creates settings; the defaults are a 12-month value at 1% a month on weekly data.
    public init(horizon: Double = 39, months: Int = 12, monthlyDiscountRate: Double = 0.01, unit: TimeUnit = .week) {
        self.horizon = horizon
        self.months = months
        self.monthlyDiscountRate = monthlyDiscountRate
        self.unit = unit
    }
}

/// Predictions for one customer.
public struct CustomerPrediction: Sendable, Hashable, Codable {
    /// The customer's identifier.
    public var customerID: String
    /// Expected purchases over the settings' horizon.
    public var expectedPurchases: Double
    /// The probability that the customer is still active.
    public var probabilityAlive: Double
    /// Expected mean spend per future purchase.
    public var expectedSpend: Double
    /// Discounted expected spend over the settings' months.
    public var lifetimeValue: Double

    /// Creates a prediction record.
    public init(
        customerID: String, expectedPurchases: Double, probabilityAlive: Double, expectedSpend: Double,
        lifetimeValue: Double
    ) {
        self.customerID = customerID
        self.expectedPurchases = expectedPurchases
        self.probabilityAlive = probabilityAlive
        self.expectedSpend = expectedSpend
        self.lifetimeValue = lifetimeValue
    }
}

/// Customer lifetime value by discounted cash flow over a purchase model and a spend model.
///
/// CLV = Σ for i = 1…N of (E[purchases by month i] − E[purchases by month i − 1]) × expected spend / (1 + d)^i,
/// with month boundaries at multiples of ``TimeUnit/unitsPerMonth``.
public enum CustomerLifetimeValue {
    /// The discounted number of expected purchases over `months` months: the lifetime value per unit of spend.
    public static func discountedPurchases(
        given history: PurchaseHistory, model: some PurchaseModel, months: Int, monthlyDiscountRate: Double,
        unit: TimeUnit
    ) -> Double {
        var total = 0.0
        var previous = 0.0
        var discount = 1.0
        for month in stride(from: 1, through: months, by: 1) {
            let cumulative = model.expectedPurchases(in: Double(month) * unit.unitsPerMonth, given: history)
            discount /= 1 + monthlyDiscountRate
            total += (cumulative - previous) * discount
            previous = cumulative
        }
        return total
    }

    /// The discounted lifetime value of one customer.
    public static func value(
        of customer: CustomerSummary, purchaseModel: some PurchaseModel, spendModel: GammaGammaModel,
        settings: LifetimeValueSettings
    ) -> Double {
        let spend = spendModel.expectedAverageSpend(
            frequency: customer.history.frequency, monetaryValue: customer.monetaryValue)
        return spend
            * discountedPurchases(
                given: customer.history, model: purchaseModel, months: settings.months,
                monthlyDiscountRate: settings.monthlyDiscountRate, unit: settings.unit)
    }

    /// Predictions for every customer, in input order.
    ///
    /// Customers with identical histories share the purchase-model work, which dominates the cost.
    public static func predictions(
        for customers: [CustomerSummary], purchaseModel: some PurchaseModel, spendModel: GammaGammaModel,
        settings: LifetimeValueSettings
    ) -> [CustomerPrediction] {
        var cache: [PurchaseHistory: HistoryPrediction] = [:]
        return customers.map { customer in
            let history = customer.history
            let shared: HistoryPrediction
            if let cached = cache[history] {
                shared = cached
            } else {
                shared = HistoryPrediction(
                    expectedPurchases: purchaseModel.expectedPurchases(in: settings.horizon, given: history),
                    probabilityAlive: purchaseModel.probabilityAlive(given: history),
                    discountedPurchases: discountedPurchases(
                        given: history, model: purchaseModel, months: settings.months,
                        monthlyDiscountRate: settings.monthlyDiscountRate, unit: settings.unit))
                cache[history] = shared
            }
            let spend = spendModel.expectedAverageSpend(
                frequency: history.frequency, monetaryValue: customer.monetaryValue)
            return CustomerPrediction(
                customerID: customer.customerID, expectedPurchases: shared.expectedPurchases,
                probabilityAlive: shared.probabilityAlive, expectedSpend: spend,
                lifetimeValue: spend * shared.discountedPurchases)
        }
    }
}

/// The part of a prediction that depends on the purchase history only, shared by identical histories.
private struct HistoryPrediction {
    var expectedPurchases: Double
    var probabilityAlive: Double
    var discountedPurchases: Double
}
