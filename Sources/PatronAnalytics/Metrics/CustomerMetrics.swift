/// Customer-base KPIs as percentages and ratios.
///
/// Each function returns nil when its denominator is zero, since the ratio is then undefined rather than zero.
public enum CustomerMetrics {
    /// Retention rate over a period, in percent: (customers at end − new customers) ÷ customers at start × 100.
    ///
    /// With 100 customers at the start, 30 new ones and 110 at the end, (110 − 30) ÷ 100 = 80%.
    public static func retentionRate(customersAtStart: Int, customersAtEnd: Int, newCustomers: Int) -> Double? {
        guard customersAtStart > 0 else { return nil }
        return 100 * Double(customersAtEnd - newCustomers) / Double(customersAtStart)
    }

    /// Churn rate over a period, in percent: customers lost ÷ customers at start × 100, where the customers lost are
    /// start + new − end. It is 100 minus the retention rate.
    public static func churnRate(customersAtStart: Int, customersAtEnd: Int, newCustomers: Int) -> Double? {
        guard customersAtStart > 0 else { return nil }
        let lost = customersAtStart + newCustomers - customersAtEnd
        return 100 * Double(lost) / Double(customersAtStart)
    }

    /// Repurchase rate, in percent: customers with two or more orders ÷ customers with at least one order × 100.
    public static func repurchaseRate(repeatCustomers: Int, purchasingCustomers: Int) -> Double? {
        guard purchasingCustomers > 0 else { return nil }
        return 100 * Double(repeatCustomers) / Double(purchasingCustomers)
    }

    /// Repurchase rate, in percent, from each customer's order count (customers with no orders are ignored).
    public static func repurchaseRate(orderCounts: some Sequence<Int>) -> Double? {
        var purchasing = 0
        var repeating = 0
        for count in orderCounts where count >= 1 {
            purchasing += 1
            if count >= 2 { repeating += 1 }
        }
        return repurchaseRate(repeatCustomers: repeating, purchasingCustomers: purchasing)
    }

    /// Purchase frequency: orders per customer over the period.
    public static func purchaseFrequency(orders: Int, customers: Int) -> Double? {
        guard customers > 0 else { return nil }
        return Double(orders) / Double(customers)
    }

    /// Average order value: revenue ÷ orders.
    public static func averageOrderValue(revenue: Double, orders: Int) -> Double? {
        guard orders > 0 else { return nil }
        return revenue / Double(orders)
    }

    /// Active-member rate, in percent: members with activity in the period ÷ all members × 100.
    public static func activeMemberRate(activeMembers: Int, totalMembers: Int) -> Double? {
        guard totalMembers > 0 else { return nil }
        return 100 * Double(activeMembers) / Double(totalMembers)
    }

    /// The simple (undiscounted, non-probabilistic) customer lifetime value:
    /// average order value × purchases per year × expected lifetime in years × gross margin (a fraction, 0…1).
    public static func simpleLifetimeValue(
        averageOrderValue: Double, purchasesPerYear: Double, lifetimeYears: Double, grossMargin: Double
    ) -> Double {
        averageOrderValue * purchasesPerYear * lifetimeYears * grossMargin
    }
}
