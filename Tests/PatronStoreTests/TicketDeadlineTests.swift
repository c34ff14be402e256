import PatronCore
import PatronStore
import PatronTestSupport
import SQLKit
import Testing

/// Deadlines fire at their times, each once however many callers fire them, and a missed target escalates.
@Suite struct TicketDeadlineTests {
    static let start: Int64 = 1_780_000_000_000
    static let minute: Int64 = 60_000

    @Test(arguments: TestDatabase.engines)
    func warningsAndMissedTargetsFireOnceAtTheirTimes(engine: DatabaseEngine) async throws {
        try await TestDatabase.withStore(engine, clock: WallClock { Self.start }) { store in
            let (ticket, _) = try await store.openTicket(
                subject: "late delivery", memberID: nil, priority: .high, storeID: nil, actor: "agent",
                idempotencyKey: "t-1")
            func fire(after minutes: Int64) async throws -> [DeadlineFiring] {
                try await store.fireDeadlines(
                    asOf: Timestamp(millisecondsSinceEpoch: Self.start + minutes * Self.minute))
            }
            // High: first response within 480 minutes, warned at 384; resolution within 2880, warned at 2304.
            #expect(try await store.nextDeadline()?.millisecondsSinceEpoch == Self.start + 384 * Self.minute)
            #expect(try await fire(after: 383).isEmpty)
            #expect(
                try await fire(after: 384) == [
                    DeadlineFiring(ticketID: ticket.ticketID, deadline: .firstResponse, kind: .warning)
                ])
            #expect(try await fire(after: 479).isEmpty)
            #expect(
                try await fire(after: 480) == [
                    DeadlineFiring(
                        ticketID: ticket.ticketID, deadline: .firstResponse, kind: .breach, escalatedTo: .urgent)
                ])
            #expect(try await fire(after: 480).isEmpty, "fired once")
            let escalated = try #require(try await store.ticket(id: ticket.ticketID))
            #expect(escalated.priority == .urgent && escalated.queue == "supervisors")
            #expect(
                escalated.events.map(\.kind) == ["opened", "assigned", "warning", "breach", "escalated", "assigned"])
            #expect(try await store.nextDeadline()?.millisecondsSinceEpoch == Self.start + 2_304 * Self.minute)
        }
    }

    /// Two callers — two nodes — firing the same due deadlines at once fire each exactly once.
    @Test(arguments: TestDatabase.engines)
    func twoCallersFireEachDeadlineOnce(engine: DatabaseEngine) async throws {
        try await TestDatabase.withStore(engine, clock: WallClock { Self.start }) { store in
            for index in 0..<40 {
                _ = try await store.openTicket(
                    subject: "ticket \(index)", memberID: nil, priority: .normal, storeID: nil, actor: "agent",
                    idempotencyKey: "t-\(index)")
            }
            let late = Timestamp(millisecondsSinceEpoch: Self.start + 10_000 * Self.minute)
            let counts = try await Self.fireTwice(store, asOf: late, batchSize: 7)
            // Each ticket: first response and resolution, each warned and missed.
            #expect(counts.reduce(0, +) == 40 * 4, "\(counts)")
            let breaches = try await LoyaltyHistory.count(
                "SELECT COUNT(*) AS n FROM ticket_events WHERE kind = 'breach'", store)
            #expect(breaches == 80)
            let escalations = try await LoyaltyHistory.count(
                "SELECT COUNT(*) AS n FROM tickets WHERE priority = 'urgent' AND queue = 'supervisors'", store)
            #expect(escalations == 40, "two missed targets raise normal twice: high, then urgent")
        }
    }

    static func fireTwice(_ store: Store, asOf instant: Timestamp, batchSize: Int) async throws -> [Int] {
        try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<2 {
                group.addTask { try await store.fireDeadlines(asOf: instant, batchSize: batchSize).count }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
    }
}
