import PatronAnalytics
import PatronCore
import SQLKit

/// Customer-base KPIs over a period of local days, from the stored orders in the program's currency.
///
/// A customer exists from their first order and is *active* on a day when they ordered in the `lapseDays` days
/// ending on it. Customers at the start are those active on the day before the period, customers at the end those
/// active on its last day, new customers those whose first order falls in the period, and lost customers
/// start + new − end (so customers returning from a lapse offset losses). Retention and churn then follow
/// ``CustomerMetrics``; every ratio is nil when its denominator is zero.
public struct CustomerKPIs: Sendable, Hashable {
    public var from: PatronCore.CalendarDate
    public var to: PatronCore.CalendarDate
    public var lapseDays: Int
    public var currency: Currency
    public var customersAtStart: Int
    public var customersAtEnd: Int
    public var newCustomers: Int
    /// Customers who ordered in the period.
    public var purchasingCustomers: Int
    /// Customers with two or more orders in the period.
    public var repeatCustomers: Int
    /// Orders in the period.
    public var orderCount: Int
    /// Their total net of refunds, in minor units: the revenue of every analytics read.
    public var revenueMinor: Int64
    /// What was refunded of the period's orders (whenever refunded), already taken off ``revenueMinor``.
    public var refundedMinor: Int64
    /// Members who existed by the end of the period (joined, or ordered, by then).
    public var members: Int
    public var grossMargin: Double
    public var lifetimeYears: Double

    public var lostCustomers: Int { customersAtStart + newCustomers - customersAtEnd }

    public var retentionRate: Double? {
        CustomerMetrics.retentionRate(
            customersAtStart: customersAtStart, customersAtEnd: customersAtEnd, newCustomers: newCustomers)
    }

    public var churnRate: Double? {
        CustomerMetrics.churnRate(
            customersAtStart: customersAtStart, customersAtEnd: customersAtEnd, newCustomers: newCustomers)
    }

    public var repurchaseRate: Double? {
        CustomerMetrics.repurchaseRate(repeatCustomers: repeatCustomers, purchasingCustomers: purchasingCustomers)
    }

    /// Orders per purchasing customer in the period.
    public var purchaseFrequency: Double? {
        CustomerMetrics.purchaseFrequency(orders: orderCount, customers: purchasingCustomers)
    }

    /// Average order value in minor units (unrounded).
    public var averageOrderValue: Double? {
        CustomerMetrics.averageOrderValue(revenue: Double(revenueMinor), orders: orderCount)
    }

    /// Days in the period, both ends included.
    public var periodDays: Int { to.daysSinceEpoch - from.daysSinceEpoch + 1 }

    /// The purchase frequency scaled from the period to a year of 365 days.
    public var purchasesPerYear: Double? { purchaseFrequency.map { $0 * 365 / Double(periodDays) } }

    /// AOV × purchases per year × lifetime years × gross margin, in minor units (unrounded).
    public var simpleLifetimeValue: Double? {
        guard let averageOrderValue, let purchasesPerYear else { return nil }
        return CustomerMetrics.simpleLifetimeValue(
            averageOrderValue: averageOrderValue, purchasesPerYear: purchasesPerYear, lifetimeYears: lifetimeYears,
            grossMargin: grossMargin)
    }

    /// Members who ordered in the period ÷ members who existed by its end × 100.
    public var activeMemberRate: Double? {
        CustomerMetrics.activeMemberRate(activeMembers: purchasingCustomers, totalMembers: members)
    }
}

extension Store {
    /// The KPIs of the local days `from` through `to` (see ``CustomerKPIs``), counted in SQL in one pass over
    /// the orders placed before the end of the period, and one over the refunds of the period's orders.
    public func customerKPIs(
        from: PatronCore.CalendarDate, to: PatronCore.CalendarDate, lapseDays: Int, grossMargin: Double,
        lifetimeYears: Double
    ) async throws -> CustomerKPIs {
        let programs = self.programs
        return try await database.read { database in
            let (_, program) = try await programs.current(in: database)
            let cutoff = program.utcOffset.startOf(to.addingDays(1)).millisecondsSinceEpoch
            let first = from.daysSinceEpoch
            // Active on day d: an order in d − lapseDays + 1 … d.
            let startWindow = first - 1 - lapseDays + 1
            let endWindow = to.daysSinceEpoch - lapseDays + 1
            func day(_ value: Int) -> SQLQueryString { "\(unsafeRaw: String(value))" }
            let row = try await database.raw(
                """
                SELECT
                  CAST(COALESCE(SUM(CASE WHEN first_day < \(day(first)) AND last_before_start >= \(day(startWindow))
                                    THEN 1 ELSE 0 END), 0) AS BIGINT) AS at_start,
                  CAST(COALESCE(SUM(CASE WHEN last_day >= \(day(endWindow)) THEN 1 ELSE 0 END), 0) AS BIGINT) AS at_end,
                  CAST(COALESCE(SUM(CASE WHEN first_day >= \(day(first)) THEN 1 ELSE 0 END), 0) AS BIGINT) AS new_customers,
                  CAST(COALESCE(SUM(CASE WHEN period_orders >= 1 THEN 1 ELSE 0 END), 0) AS BIGINT) AS purchasing,
                  CAST(COALESCE(SUM(CASE WHEN period_orders >= 2 THEN 1 ELSE 0 END), 0) AS BIGINT) AS repeating,
                  CAST(COALESCE(SUM(period_orders), 0) AS BIGINT) AS orders,
                  CAST(COALESCE(SUM(period_revenue), 0) AS BIGINT) AS revenue
                FROM (
                    SELECT member_id, MIN(day) AS first_day, MAX(day) AS last_day,
                           MAX(CASE WHEN day < \(day(first)) THEN day END) AS last_before_start,
                           SUM(CASE WHEN day >= \(day(first)) THEN 1 ELSE 0 END) AS period_orders,
                           SUM(CASE WHEN day >= \(day(first)) THEN total_minor ELSE 0 END) AS period_revenue
                    FROM (
                        SELECT member_id, \(AnalyticsQueries.localDay(offset: program.utcOffset)) AS day, total_minor
                        FROM orders WHERE occurred_at < \(bind: cutoff) AND currency = \(bind: program.currency.code)
                    ) AS dated_orders
                    GROUP BY member_id
                ) AS customers
                """
            ).first()
            let periodStart = program.utcOffset.startOf(from).millisecondsSinceEpoch
            let refunds = try await database.raw(
                """
                SELECT CAST(COALESCE(SUM(r.amount_minor), 0) AS BIGINT) AS refunded
                FROM refunds AS r JOIN orders AS o ON o.order_id = r.order_id
                WHERE o.occurred_at >= \(bind: periodStart) AND o.occurred_at < \(bind: cutoff)
                  AND o.currency = \(bind: program.currency.code)
                """
            ).first()
            let refunded = try refunds?.decode(column: "refunded", as: Int64.self) ?? 0
            let members = try await database.raw(
                """
                SELECT CAST(COUNT(*) AS BIGINT) AS members FROM members
                WHERE joined_at < \(bind: cutoff)
                   OR EXISTS (SELECT 1 FROM orders WHERE orders.member_id = members.id
                              AND orders.occurred_at < \(bind: cutoff))
                """
            ).first()
            func count(_ column: String) throws -> Int { Int(try row?.decode(column: column, as: Int64.self) ?? 0) }
            return CustomerKPIs(
                from: from, to: to, lapseDays: lapseDays, currency: program.currency,
                customersAtStart: try count("at_start"), customersAtEnd: try count("at_end"),
                newCustomers: try count("new_customers"), purchasingCustomers: try count("purchasing"),
                repeatCustomers: try count("repeating"), orderCount: try count("orders"),
                revenueMinor: (try row?.decode(column: "revenue", as: Int64.self) ?? 0) - refunded,
                refundedMinor: refunded,
                members: Int(try members?.decode(column: "members", as: Int64.self) ?? 0), grossMargin: grossMargin,
                lifetimeYears: lifetimeYears)
        }
    }
}
