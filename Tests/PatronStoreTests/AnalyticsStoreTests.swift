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

    /// Pages of standings, read in growing chunks of member ids, score every member exactly as scoring the whole
    /// base at once does; a segment's pages hold that segment's members only, and every one of them.
    @Test(arguments: TestDatabase.engines)
    func pagesOfStandingsScoreMembersAsTheWholeBaseDoes(engine: DatabaseEngine) async throws {
        try await TestDatabase.withStore(engine) { store in
            let members = 450
            // Four digits, so that the ids sort alike in Swift and in either database.
            @Sendable func paddedID(_ number: Int) -> String {
                let digits = String(number)
                return "mem_" + String(repeating: "0", count: 4 - digits.count) + digits
            }
            var generator = SeededRandom(seed: 11)
            var rows: [(member: Int, day: Int, total: Int64)] = []
            for member in 0..<members {
                for _ in 0...generator.next(below: 6) {
                    rows.append((member, generator.next(below: 300), Int64(100 * generator.next(below: 50))))
                }
            }
            let orders = rows
            try await store.database.write { database in
                for member in 0..<members {
                    try await database.raw(
                        """
                        INSERT INTO members (id, status, attributes, joined_at, created_at, updated_at)
                        VALUES (\(bind: paddedID(member)), 'active', '{}', 0, 0, 0)
                        """
                    ).run()
                }
                for (index, order) in orders.enumerated() {
                    // Noon UTC is 20:00 at +08:00: the same local day.
                    let at =
                        Int64(PatronCore.CalendarDate(year: 2026, month: 1, day: 1).daysSinceEpoch + order.day)
                        * 86_400_000 + 43_200_000
                    try await database.raw(
                        """
                        INSERT INTO orders (order_id, member_id, occurred_at, currency, channel, subtotal_minor,
                            discount_minor, shipping_minor, total_minor, request_fingerprint, created_at)
                        VALUES (\(bind: "o\(index)"), \(bind: paddedID(order.member)), \(bind: at),
                            'CNY', 'store', \(bind: order.total), 0, 0, \(bind: order.total), 'x', 0)
                        """
                    ).run()
                }
            }
            let reference = PatronCore.CalendarDate(year: 2026, month: 12, day: 31)
            let (totals, _) = try await store.memberPurchaseTotals(through: reference, firstDaySpend: false)
            let expected = Dictionary(
                uniqueKeysWithValues: RFMAnalysis.analyze(
                    totals.map {
                        RFMMeasures(
                            customerID: $0.memberID, recencyDays: reference.daysSinceEpoch - $0.lastDay,
                            frequency: $0.purchaseDays, monetary: Double($0.revenueMinor))
                    }
                ).map { ($0.measures.customerID, $0) })

            let base = try await store.customerBase(referenceDate: reference)
            #expect(base.customers == members)
            #expect(base.segmentCounts.values.reduce(0, +) == members)
            #expect(base.stageCounts.values.reduce(0, +) == members)
            var seen: [String] = []
            var cursor: String?
            repeat {
                let page = try await store.standings(in: base, segment: nil, after: cursor, limit: 37)
                for standing in page.items {
                    #expect(standing.score == expected[standing.memberID]?.score)
                    #expect(standing.segment == expected[standing.memberID]?.segment)
                }
                seen += page.items.map(\.memberID)
                cursor = page.nextCursor
            } while cursor != nil
            #expect(seen == expected.keys.sorted())

            for segment in RFMSegment.allCases {
                var inSegment: [String] = []
                cursor = nil
                repeat {
                    let page = try await store.standings(in: base, segment: segment, after: cursor, limit: 9)
                    inSegment += page.items.map(\.memberID)
                    cursor = page.nextCursor
                } while cursor != nil
                let want = expected.values.filter { $0.segment == segment }.map(\.measures.customerID).sorted()
                #expect(inSegment == want, "\(segment)")
                #expect(base.segmentCounts[segment] == want.count, "\(segment)")
            }
        }
    }
}
