import PatronAnalytics
import PatronCore
import SQLKit

/// One member's orders up to a reference day, reduced in SQL to what RFM, lifecycle stages and the customer-base
/// models need. Days are the program's local days, counted since 1970-01-01.
public struct MemberPurchaseTotals: Sendable, Hashable, Decodable {
    public var memberID: String
    /// The local day of the first order.
    public var firstDay: Int
    /// The local day of the last order.
    public var lastDay: Int
    /// Days with at least one order (several orders on one day count once, as the models expect).
    public var purchaseDays: Int
    /// Orders.
    public var orderCount: Int
    /// Total spend, in minor units.
    public var revenueMinor: Int64
    /// Spend on the first order day, which the spend model leaves out (it models repeat purchases only); nil when
    /// not asked for, since finding it costs a sort of every order by day.
    public var firstDayRevenueMinor: Int64?

    public init(
        memberID: String, firstDay: Int, lastDay: Int, purchaseDays: Int, orderCount: Int, revenueMinor: Int64,
        firstDayRevenueMinor: Int64?
    ) {
        self.memberID = memberID
        self.firstDay = firstDay
        self.lastDay = lastDay
        self.purchaseDays = purchaseDays
        self.orderCount = orderCount
        self.revenueMinor = revenueMinor
        self.firstDayRevenueMinor = firstDayRevenueMinor
    }

    private enum CodingKeys: String, CodingKey {
        case memberID = "member_id"
        case firstDay = "first_day"
        case lastDay = "last_day"
        case purchaseDays = "purchase_days"
        case orderCount = "order_count"
        case revenueMinor = "revenue_minor"
        case firstDayRevenueMinor = "first_day_revenue_minor"
    }
}

extension MemberPurchaseTotals {
    /// The calibration summary at the end of `referenceDay`, in `unit`s: repeat order days, the time from the first
    /// to the last order day, the time from the first order day to the reference day, and the mean spend of the
    /// repeat order days in minor units (0 when ``firstDayRevenueMinor`` is nil).
    public func summary(referenceDay: Int, unit: TimeUnit) -> CustomerSummary {
        let repeatDays = purchaseDays - 1
        var monetaryValue = 0.0
        if repeatDays > 0, let firstDayRevenueMinor {
            monetaryValue = Double(revenueMinor - firstDayRevenueMinor) / Double(repeatDays)
        }
        return CustomerSummary(
            customerID: memberID, frequency: repeatDays, recency: Double(lastDay - firstDay) / unit.days,
            age: Double(referenceDay - firstDay) / unit.days, monetaryValue: monetaryValue)
    }
}
