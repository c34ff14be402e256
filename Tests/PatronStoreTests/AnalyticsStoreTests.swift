import PatronAnalytics
import PatronCore
import PatronTestSupport
import SQLKit
import Testing

@testable import PatronStore

@Suite struct AnalyticsStoreTests {
    /// Per-member totals merge orders of one local day, leave out other currencies and later orders, and come out
    /// the same whether the members are read in one query or in two halves at once.
    @Test(arguments: TestDatabase.engines)
    func memberTotalsAreTheSameReadWholeOrInHalves(engine: DatabaseEngine) async throws {
        try await TestDatabase.withStore(engine) { store in
            // Local days at +08:00: 2026-03-01T20:00Z is already 2026-03-02 locally.
            let orders: [(member: Int, at: String, total: Int64, currency: String)] = [
                (0, "2026-03-01T02:00:00Z", 1000, "CNY"), (0, "2026-03-01T20:00:00Z", 500, "CNY"),
                (0, "2026-03-02T03:00:00Z", 700, "CNY"), (0, "2026-03-09T03:00:00Z", 900, "CNY"),
                (0, "2026-03-09T04:00:00Z", 100, "USD"), (0, "2026-04-01T04:00:00Z", 5000, "CNY"),
            ]
            var rows = orders
            for member in 1..<40 {
                for index in 0..<(1 + member % 4) {
                    rows.append((member, "2026-03-\(10 + index * 3)T04:00:00Z", Int64(100 * member + index), "CNY"))
                }
            }
            let allRows = rows
            try await store.database.write { database in
                for member in 0..<40 {
                    try await database.raw(
                        """
                        INSERT INTO members (id, status, attributes, joined_at, created_at, updated_at)
                        VALUES (\(bind: "mem_\(member)"), 'active', '{}', 0, 0, 0)
                        """
                    ).run()
                }
                for (index, order) in allRows.enumerated() {
                    let at = Timestamp(rfc3339: order.at)!.millisecondsSinceEpoch
                    try await database.raw(
                        """
                        INSERT INTO orders (order_id, member_id, occurred_at, currency, channel, subtotal_minor,
                            discount_minor, shipping_minor, total_minor, request_fingerprint, created_at)
                        VALUES (\(bind: "o\(index)"), \(bind: "mem_\(order.member)"), \(bind: at),
                            \(bind: order.currency), 'store', \(bind: order.total), 0, 0, \(bind: order.total), 'x', 0)
                        """
                    ).run()
                }
            }
            let through = PatronCore.CalendarDate(year: 2026, month: 3, day: 31)
            for firstDaySpend in [false, true] {
                let whole = try await store.memberPurchaseTotals(
                    through: through, firstDaySpend: firstDaySpend, splittingFrom: .max
                ).totals.sorted { $0.memberID < $1.memberID }
                let halves = try await store.memberPurchaseTotals(
                    through: through, firstDaySpend: firstDaySpend, splittingFrom: 2
                ).totals.sorted { $0.memberID < $1.memberID }
                #expect(whole.count == 40)
                #expect(halves == whole)
                let first = try #require(whole.first { $0.memberID == "mem_0" })
                let day = { (text: String) in PatronCore.CalendarDate(iso: text)!.daysSinceEpoch }
                #expect(first.firstDay == day("2026-03-01"))
                #expect(first.lastDay == day("2026-03-09"))
                #expect(first.purchaseDays == 3)
                #expect(first.orderCount == 4)
                #expect(first.revenueMinor == 3100)
                #expect(first.firstDayRevenueMinor == (firstDaySpend ? 1000 : nil))
                if firstDaySpend {
                    // Repeat days 03-02 (500 + 700) and 03-09 (900), in weeks.
                    let summary = first.summary(referenceDay: day("2026-03-31"), unit: .week)
                    #expect(summary.history.frequency == 2)
                    #expect(summary.history.recency == 8.0 / 7)
                    #expect(summary.history.age == 30.0 / 7)
                    #expect(summary.monetaryValue == 1050)
                }
            }
        }
    }
}
