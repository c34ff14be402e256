import PatronCore
import PatronTestSupport
import SQLKit
import Testing

@testable import PatronStore

/// The overview's figures read from a period's orders alone must be those the KPI report reads from the whole
/// history: the same members, buyers, repeat buyers, orders and revenue net of refunds, for any period.
@Suite struct PeriodActivityTests {
    @Test(arguments: TestDatabase.engines)
    func aPeriodReadAloneAgreesWithTheWholeHistory(engine: DatabaseEngine) async throws {
        try await TestDatabase.withStore(engine) { store in
            try await Self.fillHalfAYear(store)
            let start = PatronCore.CalendarDate(year: 2026, month: 1, day: 1)
            for (offset, days) in [(0, 7), (20, 30), (45, 1), (90, 90), (0, 180), (170, 30)] {
                let from = start.addingDays(offset)
                let to = from.addingDays(days - 1)
                let activity = try await store.periodActivity(from: from, to: to)
                let kpis = try await store.customerKPIs(
                    from: from, to: to, lapseDays: 90, grossMargin: 1, lifetimeYears: 3)
                let label = "\(from.isoString) + \(days) days"
                #expect(activity.members == kpis.members, "\(label)")
                #expect(activity.purchasing == kpis.purchasingCustomers, "\(label)")
                #expect(activity.repeating == kpis.repeatCustomers, "\(label)")
                #expect(activity.orders == kpis.orderCount, "\(label)")
                #expect(activity.revenueMinor == kpis.revenueMinor, "\(label)")
                #expect(activity.days.count == days && activity.days.first?.day == from, "\(label)")
                #expect(activity.repurchaseRate.map { $0 * 100 } == kpis.repurchaseRate, "\(label)")
            }
            // The random data reaches both parts of the members count and the refunds.
            let late = try await store.periodActivity(from: start, to: start.addingDays(9))
            #expect(late.members > 0 && late.repeating > 0)
        }
    }

    /// 120 members with up to six orders each in the first half of 2026, one in twenty in another currency, one in
    /// five refunded in part; some joined before their first order, some (imported history) long after it; and
    /// point entries of every kind spread over the same days.
    static func fillHalfAYear(_ store: Store) async throws {
        let day0 = Timestamp(rfc3339: "2026-01-01T00:00:00Z")!.millisecondsSinceEpoch
        let dayLength: Int64 = 86_400_000
        try await store.database.write { database in
            var random = SplitMix64(state: 2026_11_30)
            for member in 0..<120 {
                // Some members joined before their first order, some (imported history) long after it.
                let joined = day0 + Int64.random(in: -30...200, using: &random) * dayLength
                try await database.raw(
                    """
                    INSERT INTO members (id, status, attributes, joined_at, created_at, updated_at)
                    VALUES (\(bind: "mem_\(member)"), 'active', '{}', \(bind: joined), 0, 0)
                    """
                ).run()
                for index in 0..<Int.random(in: 0...6, using: &random) {
                    let at = day0 + Int64.random(in: 0..<(180 * dayLength), using: &random)
                    let total = Int64.random(in: 100...20_000, using: &random)
                    let currency = Int.random(in: 0..<20, using: &random) == 0 ? "USD" : "CNY"
                    let orderID = "o\(member)-\(index)"
                    try await database.raw(
                        """
                        INSERT INTO orders (order_id, member_id, occurred_at, currency, channel, subtotal_minor,
                            discount_minor, shipping_minor, total_minor, request_fingerprint, created_at)
                        VALUES (\(bind: orderID), \(bind: "mem_\(member)"), \(bind: at), \(bind: currency),
                            'store', \(bind: total), 0, 0, \(bind: total), 'x', 0)
                        """
                    ).run()
                    if Int.random(in: 0..<5, using: &random) == 0 {
                        try await database.raw(
                            """
                            INSERT INTO refunds (refund_id, order_id, member_id, request_fingerprint, amount_minor,
                                points_taken, points_forgiven, created_at)
                            VALUES (\(bind: "r-" + orderID), \(bind: orderID), \(bind: "mem_\(member)"), 'x',
                                \(bind: total / 3), 0, 0, \(bind: at + dayLength))
                            """
                        ).run()
                    }
                }
            }
        }
        try await store.database.write { database in
            var random = SplitMix64(state: 2026_12_01)
            for entry in 0..<400 {
                let at = day0 + Int64.random(in: 0..<(180 * dayLength), using: &random)
                let kind = PointEntryKind.allCases[entry % PointEntryKind.allCases.count]
                try await database.raw(
                    """
                    INSERT INTO point_entries (member_id, kind, points, reason, created_at)
                    VALUES (\(bind: "mem_\(entry % 120)"), \(bind: kind.rawValue),
                        \(bind: Int64.random(in: -500...500, using: &random)), 'test', \(bind: at))
                    """
                ).run()
            }
        }
    }
}
