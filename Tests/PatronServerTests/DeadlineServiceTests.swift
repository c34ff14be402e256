import Foundation
import PatronCore
import PatronStore
import PatronTestSupport
import ServiceLifecycle
import Synchronization
import Testing

@testable import PatronServer

/// The deadline service sleeps until the next due time and fires it then, woken by a ticket written while it slept
/// instead of finding it at its next look-up. (How close to its time a deadline fires, with 100,000 tickets open,
/// is measured by bench/deadlines.sh, not here: a test shares two cores with hundreds of others.)
@Suite struct DeadlineServiceTests {
    @Test(arguments: TestDatabase.engines)
    func aMissedTargetFiresAtItsTimeNotAtTheNextLookUp(engine: DatabaseEngine) async throws {
        // The ticket is opened by a clock 119 minutes 57 seconds behind: its two-hour first response falls due three
        // seconds after it opens.
        let skew: Int64 = 120 * 60_000 - 3_000
        try await TestDatabase.withStore(engine) { store in
            let service = Task {
                // Its fallback look-up ten minutes apart: only the alarm and the next due time can fire in time.
                try await DeadlineService(store: store, logger: TestDatabase.logger, longestSleep: .seconds(600)).run()
            }
            defer { service.cancel() }
            // Written while the service sleeps with nothing due: the alarm wakes it.
            try await Task.sleep(for: .milliseconds(1_500))
            let (ticket, _) = try await store.with(WallClock { WallClock.system.milliseconds - skew }).openTicket(
                subject: "cold coffee", memberID: nil, priority: .urgent, storeID: nil, actor: "agent",
                idempotencyKey: "t-1")
            let due = try #require(ticket.deadlines.first { $0.kind == .firstResponse }?.dueAt)
            var breached: Timestamp?
            for _ in 0..<2_400 where breached == nil {
                try await Task.sleep(for: .milliseconds(50))
                breached = try await store.ticket(id: ticket.ticketID)?.deadlines.first {
                    $0.kind == .firstResponse
                }?.breachedAt
            }
            let late = try #require(breached).millisecondsSinceEpoch - due.millisecondsSinceEpoch
            // Without the alarm the service would sleep on until ten minutes after it began.
            #expect(late >= 0 && late < 120_000, "fired \(late) ms after its time")
            #expect(try await store.ticket(id: ticket.ticketID)?.queue == "supervisors")
        }
    }
}
