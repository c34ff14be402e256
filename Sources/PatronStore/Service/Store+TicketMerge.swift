import PatronCore
import SQLKit

extension Store {
    /// Merges a duplicate into the ticket that goes on: the duplicate's messages are copied to it (sealed as they
    /// were: both are about the same person), the duplicate stops its clocks and is closed, pointing at the other,
    /// and both histories say so. Merging a duplicate into the same ticket again changes nothing.
    public func mergeTicket(_ duplicateID: String, into targetID: String, actor: String) async throws -> Ticket {
        let (programs, clock) = (self.programs, self.clock)
        try await database.write { database in
            let now = clock.milliseconds
            func refuse(_ reason: String) -> TicketError {
                .cannotMerge(ticketID: duplicateID, into: targetID, reason: reason)
            }
            guard duplicateID != targetID else { throw refuse("a ticket cannot be merged into itself") }
            // Both rows in id order, so two merges of the same pair either way round cannot deadlock.
            var rows: [String: (state: TicketState, memberID: String?)] = [:]
            for id in [duplicateID, targetID].sorted() {
                let (state, memberID, _) = try await Self.lockTicket(id, in: database)
                rows[id] = (state, memberID)
            }
            guard let duplicate = rows[duplicateID], let target = rows[targetID] else { return }
            let mergedInto = try await database.raw(
                "SELECT merged_into FROM tickets WHERE ticket_id = \(bind: duplicateID)"
            ).first()?.decode(column: "merged_into", as: String?.self)
            if mergedInto == targetID { return }
            guard mergedInto == nil, duplicate.state != .closed else { throw refuse("the duplicate is closed") }
            guard target.state != .closed else { throw refuse("the ticket it would join is closed") }
            guard duplicate.memberID == target.memberID else { throw refuse("the tickets are about different people") }
            try await database.raw(
                """
                INSERT INTO ticket_messages (message_id, ticket_id, kind, author, body_ciphertext, created_at)
                SELECT 'tmsg_m_' || message_id, \(bind: targetID), kind, author, body_ciphertext, created_at
                FROM ticket_messages WHERE ticket_id = \(bind: duplicateID)
                """
            ).run()
            let (_, program) = try await programs.current(in: database)
            try await TicketDeadlines.meet(
                DeadlineKind.allCases, of: duplicateID, at: now, calendar: program.service.calendar, in: database)
            try await database.raw(
                """
                UPDATE tickets SET state = \(bind: TicketState.closed.rawValue), closed_at = \(bind: now),
                    merged_into = \(bind: targetID), updated_at = \(bind: now)
                WHERE ticket_id = \(bind: duplicateID)
                """
            ).run()
            try await Self.recordTicketEvent(
                duplicateID, "merged", detail: "into \(targetID)", actor: actor, at: now, in: database)
            try await Self.recordTicketEvent(
                targetID, "merged", detail: "from \(duplicateID)", actor: actor, at: now, in: database)
        }
        deadlineAlarm.ring()
        return try await requireTicket(targetID)
    }
}
