import PatronCore
import PatronTestSupport
import SQLKit
import Testing

@testable import PatronStore

/// The overview reads days that are over from their sums and the rest live; whatever the split, and after late
/// orders and refunds of past orders, it must say what reading every order says.
@Suite struct ActivityRollupTests {
    static let start = PatronCore.CalendarDate(year: 2026, month: 1, day: 1)
    static let periods = [(0, 7), (20, 30), (45, 1), (90, 90), (0, 180), (170, 30), (60, 61)]

    /// The figures for every period, read live (before any sums) or however the store reads them now.
    static func figures(_ store: Store) async throws -> [String: String] {
        var figures: [String: String] = [:]
        for (offset, days) in periods {
            let from = start.addingDays(offset)
            let to = from.addingDays(days - 1)
            let activity = try await store.periodActivity(from: from, to: to)
            let flow = try await store.pointsFlow(from: from, to: to)
            let byDay = activity.days.map { "\($0.orders)/\($0.customers)/\($0.revenueMinor)" }.joined(separator: " ")
            figures["\(from.isoString) + \(days) days"] =
                "members \(activity.members), bought \(activity.purchasing), again \(activity.repeating), \(flow); \(byDay)"
        }
        return figures
    }

    static func expectSame(_ figures: [String: String], _ expected: [String: String], _ when: String) {
        for (period, figure) in expected.sorted(by: { $0.key < $1.key }) {
            #expect(figures[period] == figure, "\(period), \(when)")
        }
    }

    @Test(arguments: TestDatabase.engines)
    func periodsThatStraddleTheSummedDaysReadAsIfLive(engine: DatabaseEngine) async throws {
        try await TestDatabase.withStore(engine) { store in
            try await PeriodActivityTests.fillHalfAYear(store)
            let live = try await Self.figures(store)
            // Summed through 10 April: every period before, after or across that day.
            let april = Self.start.addingDays(100)
            let summed = try await store.with(
                WallClock { LoyaltyProgram.standard.utcOffset.startOf(april).millisecondsSinceEpoch + 3_600_000 }
            )
            .refreshActivityRollups()
            // From the first member's joining, 30 days before the first order.
            #expect(summed == 130)
            Self.expectSame(try await Self.figures(store), live, "summed through \(april.addingDays(-1).isoString)")
            #expect(
                try await store.with(
                    WallClock { LoyaltyProgram.standard.utcOffset.startOf(april).millisecondsSinceEpoch + 7_200_000 }
                ).refreshActivityRollups() == 0)
            // Summed through yesterday: every period from its sums alone.
            #expect(try await store.refreshActivityRollups() > 180)
            Self.expectSame(try await Self.figures(store), live, "summed through yesterday")
        }
    }

    static func order(_ id: String, member: String, at day: PatronCore.CalendarDate) throws -> OrderSubmission {
        let instant = LoyaltyProgram.standard.utcOffset.startOf(day).millisecondsSinceEpoch + 12 * 3_600_000
        return try OrderSubmission.parse(
            [
                "order_id": .string(id), "member": ["external_id": .string(member)],
                "occurred_at": .string(Timestamp(millisecondsSinceEpoch: instant).rfc3339), "currency": "CNY",
                "lines": [["sku": "X", "quantity": 2, "unit_price_minor": 5000]], "total_minor": 10_000,
            ], receivedAt: Timestamp(millisecondsSinceEpoch: WallClock.system.milliseconds))
    }

    @Test(arguments: TestDatabase.engines)
    func lateOrdersAndRefundsOfPastOrdersCountAtOnceAndWhenSummedAgain(engine: DatabaseEngine) async throws {
        try await TestDatabase.withStore(engine) { store in
            try await PeriodActivityTests.fillHalfAYear(store)
            try await store.refreshActivityRollups()
            // A till that was offline sends March's orders; one of them is refunded in part.
            for (index, day) in [60, 61, 75, 120].enumerated() {
                _ = try await store.recordOrder(
                    try Self.order("LATE-\(index)", member: "late-\(index % 2)", at: Self.start.addingDays(day)),
                    fingerprint: "LATE-\(index)")
            }
            _ = try await store.refundOrder(
                orderID: "LATE-1", refundID: "LATE-R", lines: [RefundLine(sku: "X", quantity: 1)], actor: nil,
                at: Timestamp(millisecondsSinceEpoch: WallClock.system.milliseconds))
            let afterLateWrites = try await Self.figures(store)
            try await store.database.write { database in
                for table in ["activity_days", "activity_points", "activity_order_gaps"] {
                    try await database.raw("DELETE FROM \(unsafeRaw: table)").run()
                }
                try await database.raw("UPDATE activity_rollups SET currency = '', valid_until = 0 WHERE id = 1").run()
            }
            let live = try await Self.figures(store)
            Self.expectSame(afterLateWrites, live, "before the sums are made again")
            #expect(try await store.refreshActivityRollups() > 180)
            Self.expectSame(try await Self.figures(store), live, "summed again")
            let march = try await store.periodActivity(from: Self.start.addingDays(59), to: Self.start.addingDays(62))
            #expect(march.days.map(\.orders).reduce(0, +) >= 2)
        }
    }

    @Test(arguments: TestDatabase.engines)
    func lateWritesDuringSummingAreNotLost(engine: DatabaseEngine) async throws {
        try await TestDatabase.withStore(engine) { store in
            try await PeriodActivityTests.fillHalfAYear(store)
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    for round in 0..<8 { _ = try await store.refreshActivityRollups(); _ = round }
                }
                group.addTask {
                    for index in 0..<24 {
                        _ = try await store.recordOrder(
                            try Self.order(
                                "RACE-\(index)", member: "race-\(index % 5)", at: Self.start.addingDays(index * 7)),
                            fingerprint: "RACE-\(index)")
                    }
                }
                try await group.waitForAll()
            }
            try await store.refreshActivityRollups()
            let summed = try await Self.figures(store)
            try await store.database.write { database in
                try await database.raw("UPDATE activity_rollups SET currency = '' WHERE id = 1").run()
            }
            Self.expectSame(summed, try await Self.figures(store), "after summing while orders came in")
        }
    }
}
