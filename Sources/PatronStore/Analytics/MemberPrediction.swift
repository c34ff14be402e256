import PatronAnalytics
import PatronCore

/// How far predictions look ahead.
public struct PredictionSettings: Sendable, Hashable {
    /// Days over which expected purchases are counted.
    public var horizonDays: Int
    /// Months summed in the lifetime value.
    public var months: Int
    /// Monthly discount rate of the lifetime value.
    public var monthlyDiscountRate: Double

    public init(horizonDays: Int = 90, months: Int = 12, monthlyDiscountRate: Double = 0.01) {
        self.horizonDays = horizonDays
        self.months = months
        self.monthlyDiscountRate = monthlyDiscountRate
    }

    func lifetimeValueSettings(unit: TimeUnit) -> LifetimeValueSettings {
        LifetimeValueSettings(
            horizon: Double(horizonDays) / unit.days, months: months, monthlyDiscountRate: monthlyDiscountRate,
            unit: unit)
    }
}

/// What the fitted models expect of one member, from their history at a reference date. Money is in minor units.
public struct MemberPrediction: Sendable, Hashable {
    public var probabilityAlive: Double
    /// Expected purchases (order days) over the settings' horizon.
    public var expectedPurchases: Double
    /// Expected spend per future purchase day (Gamma-Gamma).
    public var expectedAverageSpend: Double
    /// Discounted expected spend over the settings' months.
    public var lifetimeValue: Double
    /// The first day by which one purchase is expected (E[purchases] reaches 1), or nil when not within ten years.
    public var expectedNextPurchase: PatronCore.CalendarDate?

    public var churnRisk: Double { 1 - probabilityAlive }

    /// The prediction for `totals` at the end of `referenceDay`.
    public init(
        totals: MemberPurchaseTotals, referenceDay: Int, fit: StoredModelFit, settings: PredictionSettings
    ) {
        let summary = totals.summary(referenceDay: referenceDay, unit: fit.unit)
        let lifetimeSettings = settings.lifetimeValueSettings(unit: fit.unit)
        self.probabilityAlive = fit.purchases.probabilityAlive(given: summary.history)
        self.expectedPurchases = fit.purchases.expectedPurchases(in: lifetimeSettings.horizon, given: summary.history)
        self.expectedAverageSpend = fit.spend.expectedAverageSpend(
            frequency: summary.history.frequency, monetaryValue: summary.monetaryValue)
        self.lifetimeValue = CustomerLifetimeValue.value(
            of: summary, purchaseModel: fit.purchases, spendModel: fit.spend, settings: lifetimeSettings)
        self.expectedNextPurchase = Self.dayOfFirstExpectedPurchase(
            history: summary.history, model: fit.purchases, unit: fit.unit
        ).map { PatronCore.CalendarDate(daysSinceEpoch: referenceDay + $0) }
    }

    /// The smallest whole number of days d ≥ 1 with E[purchases in d days] ≥ 1, by bisection (the expectation
    /// grows with time); nil beyond ten years, where a member is as good as gone.
    static func dayOfFirstExpectedPurchase(history: PurchaseHistory, model: BGNBDModel, unit: TimeUnit) -> Int? {
        func expected(_ days: Int) -> Double { model.expectedPurchases(in: Double(days) / unit.days, given: history) }
        var high = 3653
        guard expected(high) >= 1 else { return nil }
        var low = 0
        while high - low > 1 {
            let middle = (low + high) / 2
            if expected(middle) >= 1 { high = middle } else { low = middle }
        }
        return high
    }
}

/// A member in the churn-risk ranking.
public struct ChurnRiskEntry: Sendable, Hashable {
    public var totals: MemberPurchaseTotals
    public var probabilityAlive: Double
    public var lifetimeValue: Double

    public var churnRisk: Double { 1 - probabilityAlive }
    /// The ranking key: lifetime value × churn risk, in minor units.
    public var valueAtRisk: Double { lifetimeValue * churnRisk }
}
