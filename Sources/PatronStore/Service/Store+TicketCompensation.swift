import PatronCore
import SQLKit

extension Store {
    /// Makes good on a ticket: points, a reward, or both, given to the ticket's member with the agent's reason,
    /// which the member sees on the points journal and the reward. Recorded in the ticket's history; idempotent on
    /// `idempotencyKey`. Whether the agent may give this much is the caller's to check.
    public func compensate(
        ticket ticketID: String, with gift: GrantedReward, reason: String, actor: String, idempotencyKey: String
    ) async throws -> (ticket: Ticket, isReplay: Bool) {
        let (store, clock) = (self, self.clock)
        let fingerprint = [ticketID, String(gift.points ?? 0), gift.rewardID ?? "", reason].joined(separator: "\u{1F}")
        let (_, isReplay) = try await IdempotentRequests.perform(
            key: "ticket-compensation:\(idempotencyKey)", fingerprint: fingerprint, database: database
        ) { database in
            let now = clock.milliseconds
            let owner = try await database.raw("SELECT member_id FROM tickets WHERE ticket_id = \(bind: ticketID)")
                .first()
            guard let owner else { throw TicketError.notFound(ticketID: ticketID) }
            guard let memberID = try owner.decode(column: "member_id", as: String?.self) else {
                throw TicketError.noMember(ticketID: ticketID)
            }
            // The member first, as erasure locks them before their tickets.
            try await Self.lockLiveMember(memberID, in: database)
            _ = try await Self.lockTicket(ticketID, in: database)
            try await store.lockBalances(of: [memberID], at: now, in: database)
            let outcome = try await store.grant(
                gift, to: memberID, source: .goodwill, campaignID: "ticket:\(ticketID):\(idempotencyKey)",
                reason: reason, actor: actor, at: now, in: database)
            guard outcome.granted else { throw LedgerError.keyReused(key: idempotencyKey) }
            let given = [gift.points.map { "\($0) points" }, gift.rewardID.map { "reward \($0)" }]
                .compactMap { $0 }.joined(separator: " and ")
            // The reason stays with the points and the reward, where the member sees it.
            try await Self.recordTicketEvent(
                ticketID, "compensation", detail: given, actor: actor, at: now, in: database)
            return true
        }
        return (try await requireTicket(ticketID), isReplay)
    }
}
