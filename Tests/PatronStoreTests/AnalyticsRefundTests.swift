import PatronAnalytics
import PatronCore
import PatronTestSupport
import SQLKit
import Testing

@testable import PatronStore

/// Every analytics read of revenue takes refunds off the orders they refund: whole bases and halves, pages, one
/// member's scores, the spend model's first-day spend, and the KPIs.
@Suite struct AnalyticsRefundTests {
    /// mem_0: ¥10 + ¥5 on its first day (¥4 of the ¥10 refunded, in two refunds), ¥20 later (refunded in full);
    /// mem_1: ¥18 once; mem_2: ¥12 once, its refund in another currency's order leaving it alone; mem_3 has only a
    /// USD order, refunded.
    static func load(_ store: Store) async throws {
        let orders: [(id: String, member: Int, at: String, total: Int64, currency: String)] = [
            ("o0", 0, "2026-03-01T02:00:00Z", 1000, "CNY"), ("o1", 0, "2026-03-01T05:00:00Z", 500, "CNY"),
            ("o2", 0, "2026-03-09T03:00:00Z", 2000, "CNY"), ("o3", 1, "2026-03-05T03:00:00Z", 1800, "CNY"),
            ("o4", 2, "2026-03-06T03:00:00Z", 1200, "CNY"), ("o5", 2, "2026-03-06T04:00:00Z", 900, "USD"),
            ("o6", 3, "2026-03-07T03:00:00Z", 700, "USD"), ("o7", 1, "2026-04-02T03:00:00Z", 3000, "CNY"),
        ]
        let refunds: [(id: String, order: String, member: Int, amount: Int64)] = [
            ("r0", "o0", 0, 300), ("r1", "o0", 0, 100), ("r2", "o2", 0, 2000), ("r3", "o5", 2, 900),
            ("r4", "o6", 3, 700),
            // A refund of an order after the day read: it does not count.
            ("r5", "o7", 1, 3000),
        ]
        try await store.database.write { database in
            for member in 0..<4 {
                try await database.raw(
                    """
                    INSERT INTO members (id, status, attributes, joined_at, created_at, updated_at)
                    VALUES (\(bind: "mem_\(member)"), 'active', '{}', 0, 0, 0)
                    """
                ).run()
            }
            for order in orders {
                let at = Timestamp(rfc3339: order.at)!.millisecondsSinceEpoch
                try await database.raw(
                    """
                    INSERT INTO orders (order_id, member_id, occurred_at, currency, channel, subtotal_minor,
                        discount_minor, shipping_minor, total_minor, request_fingerprint, created_at)
                    VALUES (\(bind: order.id), \(bind: "mem_\(order.member)"), \(bind: at), \(bind: order.currency),
                        'store', \(bind: order.total), 0, 0, \(bind: order.total), 'x', 0)
                    """
                ).run()
            }
            for refund in refunds {
                try await database.raw(
                    """
                    INSERT INTO refunds (refund_id, order_id, member_id, request_fingerprint, amount_minor,
                        points_taken, points_forgiven, created_at)
                    VALUES (\(bind: refund.id), \(bind: refund.order), \(bind: "mem_\(refund.member)"), 'x',
                        \(bind: refund.amount), 0, 0, 0)
                    """
                ).run()
            }
        }
    }

    @Test(arguments: TestDatabase.engines)
    func memberTotalsAreNetOfRefunds(engine: DatabaseEngine) async throws {
        try await TestDatabase.withStore(engine) { store in
            try await Self.load(store)
            let through = PatronCore.CalendarDate(year: 2026, month: 3, day: 31)
            for firstDaySpend in [false, true] {
                for splittingFrom in [Int.max, 2] {
                    let totals = try await store.memberPurchaseTotals(
                        through: through, firstDaySpend: firstDaySpend, splittingFrom: splittingFrom
                    ).totals.sorted { $0.memberID < $1.memberID }
                    #expect(totals.map(\.memberID) == ["mem_0", "mem_1", "mem_2"])
                    #expect(totals.map(\.revenueMinor) == [1100, 1800, 1200])
                    // Refunded orders still count as orders and order days.
                    #expect(totals.map(\.orderCount) == [3, 1, 1])
                    #expect(totals.map(\.purchaseDays) == [2, 1, 1])
                    #expect(
                        totals.map(\.firstDayRevenueMinor) == (firstDaySpend ? [1100, 1800, 1200] : [nil, nil, nil]))
                }
            }
            // A page of standings and one member's scores by counts read the same net spend.
            let base = try await store.customerBase(referenceDate: through)
            let page = try await store.standings(in: base, segment: nil, after: nil, limit: 10)
            #expect(page.items.map(\.totals.revenueMinor) == [1100, 1800, 1200])
            let program = try await store.program().program
            for standing in page.items {
                let score = try await store.database.read { database in
                    try await AnalyticsQueries.score(
                        of: standing.totals, throughDay: through.daysSinceEpoch, program: program, in: database)
                }
                #expect(score == standing.score, "\(standing.memberID)")
            }
            // Net, mem_1 spent the most (gross, mem_0 did).
            #expect(page.items.map(\.score.monetary) == [1, 5, 2])
        }
    }

    @Test(arguments: TestDatabase.engines)
    func periodRevenueIsNetOfTheRefundsOfItsOrders(engine: DatabaseEngine) async throws {
        try await TestDatabase.withStore(engine) { store in
            try await Self.load(store)
            let kpis = try await store.customerKPIs(
                from: PatronCore.CalendarDate(year: 2026, month: 3, day: 2),
                to: PatronCore.CalendarDate(year: 2026, month: 3, day: 31), lapseDays: 365, grossMargin: 1,
                lifetimeYears: 3)
            // CNY orders of March 2–31: o2, o3, o4 (¥50 gross), of which o2's ¥20 was refunded.
            #expect(kpis.orderCount == 3)
            #expect(kpis.refundedMinor == 2000)
            #expect(kpis.revenueMinor == 3000)
            #expect(kpis.averageOrderValue == 1000)
        }
    }
}
