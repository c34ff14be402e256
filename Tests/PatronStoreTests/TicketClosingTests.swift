import PatronCore
import PatronStore
import PatronTestSupport
import Testing

/// A resolved ticket waits the program's reopen window for the customer, then closes for good.
@Suite struct TicketClosingTests {
    @Test(arguments: TestDatabase.engines)
    func resolvedTicketsCloseAfterTheReopenWindow(engine: DatabaseEngine) async throws {
        try await TestDatabase.withStore(engine) { store in
            let day: Int64 = 86_400_000
            let now = WallClock.system.milliseconds
            var tickets: [String] = []
            for (index, daysAgo) in [Int64(8), 2].enumerated() {
                let then = store.with(WallClock { now - daysAgo * day })
                let (ticket, _) = try await then.openTicket(
                    subject: "Late delivery \(index)", memberID: nil, priority: .normal, storeID: nil, actor: "agent",
                    idempotencyKey: "t-\(index)")
                _ = try await then.moveTicket(ticket.ticketID, to: .resolved, actor: "agent")
                tickets.append(ticket.ticketID)
            }
            #expect(
                try await store.closeResolvedTickets(asOf: Timestamp(millisecondsSinceEpoch: now), batchSize: 1) == 1)
            #expect(try await store.ticket(id: tickets[0])?.state == .closed)
            #expect(try await store.ticket(id: tickets[1])?.state == .resolved, "still within its seven days")
            #expect(try await store.closeResolvedTickets(asOf: Timestamp(millisecondsSinceEpoch: now)) == 0)
            // Within the window the customer's message reopens it; after, it starts a new ticket.
            let reopened = try await store.addTicketMessage(
                tickets[1], kind: .customer, body: "Still not here", author: "customer", idempotencyKey: "m-1")
            #expect(reopened.ticket.state == .open)
            await #expect(throws: TicketError.closed(ticketID: tickets[0])) {
                try await store.addTicketMessage(
                    tickets[0], kind: .customer, body: "Hello?", author: "customer", idempotencyKey: "m-2")
            }
        }
    }
}
