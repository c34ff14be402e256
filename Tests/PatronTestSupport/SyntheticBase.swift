import Foundation
import PatronCore

/// A small customer base with varied, deterministic histories: some customers buy once, some often, some twice on
/// one day (which the models count as one purchase of the day's total).
public struct SyntheticBase: Sendable {
    public struct Purchase: Sendable {
        public var orderID: String
        public var customer: String
        public var day: PatronCore.CalendarDate
        public var totalMinor: Int
    }

    public let purchases: [Purchase]

    /// Customers drawn from the BG/NBD story with a fixed-seed generator: each buys at their own rate and may
    /// drop out after each purchase.
    public init(customers: Int = 80, seed: UInt64 = 20_260_101) {
        var state = seed
        func uniform() -> Double {
            // A 64-bit linear congruential generator (Knuth's MMIX constants): deterministic on every platform.
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return (Double(state >> 11) + 0.5) / Double(1 << 53)
        }
        var purchases: [Purchase] = []
        let start = PatronCore.CalendarDate(year: 2026, month: 1, day: 1)
        let end = PatronCore.CalendarDate(year: 2026, month: 6, day: 30)
        for customer in 0..<customers {
            let meanGap = 5 + 60 * uniform()
            let meanSpend = 1500 + 4000 * uniform()
            var orderDay = start.addingDays(Int(120 * uniform()))
            var index = 0
            while orderDay <= end {
                let total = Int(meanSpend * (0.5 + uniform()))
                purchases.append(
                    Purchase(
                        orderID: "s\(customer)-\(index)", customer: "s\(customer)", day: orderDay, totalMinor: total))
                if customer % 9 == 0, index == 1 {
                    // A second order on the same day: one purchase of the day's total for the models.
                    purchases.append(
                        Purchase(
                            orderID: "s\(customer)-\(index)b", customer: "s\(customer)", day: orderDay, totalMinor: 800)
                    )
                }
                index += 1
                if uniform() < 0.25 { break }
                orderDay = orderDay.addingDays(1 + Int(-meanGap * log(uniform())))
            }
        }
        self.purchases = purchases
    }

    public var orders: [JSONValue] {
        purchases.map { purchase in
            [
                "order_id": .string(purchase.orderID), "member": ["external_id": .string(purchase.customer)],
                "occurred_at": .string("\(purchase.day.isoString)T04:00:00Z"), "currency": "CNY",
                "lines": [["sku": "ITEM", "quantity": 1, "unit_price_minor": .number(Double(purchase.totalMinor))]],
                "total_minor": .number(Double(purchase.totalMinor)),
            ]
        }
    }
}
