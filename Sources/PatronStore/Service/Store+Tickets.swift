import PatronCore
import SQLKit

extension Store {
    /// Opens a ticket inside the caller's transaction: its subject sealed like the member's other data, routed to
    /// the program's queue for its store and topics and given to that queue's least busy member, its first
    /// response and resolution deadlines started.
    static func openTicket(
        subject: String?, memberID: String?, feedbackID: String?, priority: TicketPriority, storeID: String?,
        topics: [String] = [], openedBy actor: String, at now: Int64, program: LoyaltyProgram, sealer: PersonalSealer,
        in database: any SQLDatabase
    ) async throws -> String {
        let ticketID = Identifier.make(prefix: "tkt", milliseconds: now)
        let queue = TicketRoute.queue(in: program.service.routing, storeID: storeID, topics: topics)
        try await database.raw(
            """
            INSERT INTO tickets (ticket_id, member_id, feedback_id, subject_ciphertext, priority, state, queue, store_id,
                                 opened_by, opened_at, updated_at)
            VALUES (\(bind: ticketID), \(bind: memberID), \(bind: feedbackID), \(bind: try subject.map(sealer.seal)),
                    \(bind: priority.rawValue), \(bind: TicketState.open.rawValue), \(bind: queue),
                    \(bind: storeID), \(bind: actor), \(bind: now), \(bind: now))
            """
        ).run()
        for kind in [DeadlineKind.firstResponse, .resolution] {
            try await TicketDeadlines.start(
                kind, of: ticketID, priority: priority, at: now, service: program.service, in: database)
        }
        try await recordTicketEvent(ticketID, "opened", detail: priority.rawValue, actor: actor, at: now, in: database)
        try await assign(ticketID, toLeastBusyOf: queue, actor: actor, at: now, in: database)
        return ticketID
    }

    /// Tells the customer, once, as the ticket opens, that their feedback reached someone; the channel that
    /// brought the feedback delivers it from the ticket's messages.
    static func acknowledge(
        _ ticketID: String, text: String, sealer: PersonalSealer, at now: Int64, in database: any SQLDatabase
    ) async throws {
        try await database.raw(
            """
            INSERT INTO ticket_messages (message_id, ticket_id, kind, author, body_ciphertext, created_at)
            VALUES (\(bind: Identifier.make(prefix: "tmsg", milliseconds: now)), \(bind: ticketID),
                    \(bind: TicketMessageKind.acknowledgement.rawValue), 'patron', \(bind: try sealer.seal(text)),
                    \(bind: now))
            """
        ).run()
    }

    /// Opens a ticket for a person, by an agent. Idempotent on `idempotencyKey`.
    public func openTicket(
        subject: String, memberID: String?, priority: TicketPriority, storeID: String?, actor: String,
        idempotencyKey: String
    ) async throws -> (ticket: Ticket, isReplay: Bool) {
        let (members, programs, clock) = (self.members, self.programs, self.clock)
        let fingerprint = [subject, memberID ?? "", priority.rawValue, storeID ?? ""].joined(separator: "\u{1F}")
        let (ticketID, isReplay) = try await IdempotentRequests.perform(
            key: "ticket:\(idempotencyKey)", fingerprint: fingerprint, database: database
        ) { database in
            let now = clock.milliseconds
            var sealer = PersonalSealer(protector: members.protector, key: nil)
            if let memberID {
                do {
                    try await Self.lockLiveMember(memberID, in: database)
                } catch MemberError.notFound {
                    throw ValidationFailure(pointer: "/member_id", detail: "no member with id '\(memberID)'")
                }
                sealer = try await members.sealer(for: memberID, at: now, in: database)
            }
            let (_, program) = try await programs.current(in: database)
            return try await Self.openTicket(
                subject: subject, memberID: memberID, feedbackID: nil, priority: priority, storeID: storeID,
                openedBy: actor, at: now, program: program, sealer: sealer, in: database)
        }
        deadlineAlarm.ring()
        return (try await requireTicket(ticketID), isReplay)
    }

    /// Adds a message. A reply meets the first and next response targets; a customer's message reopens a pending
    /// or resolved ticket and starts the next response target; a note changes nothing. Idempotent on the key.
    public func addTicketMessage(
        _ ticketID: String, kind: TicketMessageKind, body: String, author: String, idempotencyKey: String
    ) async throws -> (ticket: Ticket, isReplay: Bool) {
        let (members, programs, clock) = (self.members, self.programs, self.clock)
        let fingerprint = [ticketID, kind.rawValue, body].joined(separator: "\u{1F}")
        let (_, isReplay) = try await IdempotentRequests.perform(
            key: "ticket-message:\(idempotencyKey)", fingerprint: fingerprint, database: database
        ) { database in
            let now = clock.milliseconds
            // The member first, as erasure locks them before their tickets: nothing new is written about an
            // erased member (410), and no key is made for them again.
            let owner = try await database.raw("SELECT member_id FROM tickets WHERE ticket_id = \(bind: ticketID)")
                .first()?.decode(column: "member_id", as: String?.self)
            if let owner { try await Self.lockLiveMember(owner, in: database) }
            let (state, memberID, priority) = try await Self.lockTicket(ticketID, in: database)
            let (_, program) = try await programs.current(in: database)
            var sealer = PersonalSealer(protector: members.protector, key: nil)
            if let memberID { sealer = try await members.sealer(for: memberID, at: now, in: database) }
            let messageID = Identifier.make(prefix: "tmsg", milliseconds: now)
            try await database.raw(
                """
                INSERT INTO ticket_messages (message_id, ticket_id, kind, author, body_ciphertext, created_at)
                VALUES (\(bind: messageID), \(bind: ticketID), \(bind: kind.rawValue), \(bind: author),
                        \(bind: try sealer.seal(body)), \(bind: now))
                """
            ).run()
            switch kind {
            case .note, .acknowledgement:
                break
            case .automatic:
                guard state != .closed else { throw TicketError.closed(ticketID: ticketID) }
            case .reply:
                try await TicketDeadlines.meet(
                    [.firstResponse, .nextResponse], of: ticketID, at: now, calendar: program.service.calendar,
                    in: database)
                try await database.raw(
                    """
                    UPDATE tickets SET first_responded_at = COALESCE(first_responded_at, \(bind: now)),
                        updated_at = \(bind: now)
                    WHERE ticket_id = \(bind: ticketID)
                    """
                ).run()
            case .customer:
                guard state != .closed else { throw TicketError.closed(ticketID: ticketID) }
                if state != .open {
                    try await Self.setState(.open, of: ticketID, from: state, actor: author, at: now, in: database)
                    if state == .resolved {
                        try await TicketDeadlines.reopen(
                            .resolution, of: ticketID, at: now, service: program.service, in: database)
                    } else {
                        try await TicketDeadlines.resume(ticketID, at: now, service: program.service, in: database)
                    }
                }
                let answered =
                    try await database.raw(
                        "SELECT first_responded_at FROM tickets WHERE ticket_id = \(bind: ticketID)"
                    ).first()?.decodeNil(column: "first_responded_at") == false
                if answered {
                    try await TicketDeadlines.start(
                        .nextResponse, of: ticketID, priority: priority, at: now, service: program.service,
                        in: database)
                }
            }
            return messageID
        }
        deadlineAlarm.ring()
        return (try await requireTicket(ticketID), isReplay)
    }

    /// Moves a ticket as an agent asks: pending stops the clock, open starts it again, resolved meets every target.
    /// Moving to the state it is in changes nothing.
    public func moveTicket(_ ticketID: String, to next: TicketState, actor: String) async throws -> Ticket {
        let (programs, clock) = (self.programs, self.clock)
        try await database.write { database in
            let now = clock.milliseconds
            let (state, memberID, _) = try await Self.lockTicket(ticketID, in: database)
            guard state != next else { return }
            guard state.mayMove(to: next) else {
                throw TicketError.cannotMove(ticketID: ticketID, from: state, to: next)
            }
            let (_, program) = try await programs.current(in: database)
            let calendar = program.service.calendar
            switch next {
            case .pending:
                try await TicketDeadlines.pause(ticketID, at: now, calendar: calendar, in: database)
            case .open where state == .resolved:
                try await TicketDeadlines.reopen(
                    .resolution, of: ticketID, at: now, service: program.service, in: database)
            case .open:
                try await TicketDeadlines.resume(ticketID, at: now, service: program.service, in: database)
            case .resolved:
                try await TicketDeadlines.meet(
                    DeadlineKind.allCases, of: ticketID, at: now, calendar: calendar, in: database)
                if let memberID {
                    try await Self.inviteAfterResolution(
                        of: ticketID, memberID: memberID, at: now, program: program, in: database)
                }
            case .closed:
                break
            }
            try await Self.setState(next, of: ticketID, from: state, actor: actor, at: now, in: database)
        }
        deadlineAlarm.ring()
        return try await requireTicket(ticketID)
    }

    private static func setState(
        _ next: TicketState, of ticketID: String, from state: TicketState, actor: String, at now: Int64,
        in database: any SQLDatabase
    ) async throws {
        let stamp: SQLQueryString =
            switch next {
            case .resolved: ", resolved_at = \(bind: now)"
            case .closed: ", closed_at = \(bind: now)"
            case .open: ", resolved_at = NULL"
            case .pending: ""
            }
        try await database.raw(
            """
            UPDATE tickets SET state = \(bind: next.rawValue), updated_at = \(bind: now)\(stamp)
            WHERE ticket_id = \(bind: ticketID)
            """
        ).run()
        try await recordTicketEvent(
            ticketID, "state", detail: "\(state.rawValue) → \(next.rawValue)", actor: actor, at: now, in: database)
    }

    /// Locks the ticket's row and answers its state, member and priority.
    static func lockTicket(
        _ ticketID: String, in database: any SQLDatabase
    ) async throws -> (TicketState, String?, TicketPriority) {
        guard
            let row = try await database.raw(
                """
                SELECT state, member_id, priority FROM tickets WHERE ticket_id = \(bind: ticketID)
                \(MemberRepository.forUpdate(database))
                """
            ).first()
        else { throw TicketError.notFound(ticketID: ticketID) }
        return (
            try StoredValue.decode(TicketState.self, row, "state"),
            try row.decode(column: "member_id", as: String?.self),
            try StoredValue.decode(TicketPriority.self, row, "priority")
        )
    }

    static func recordTicketEvent(
        _ ticketID: String, _ kind: String, detail: String, actor: String, at now: Int64, in database: any SQLDatabase
    ) async throws {
        try await database.raw(
            """
            INSERT INTO ticket_events (ticket_id, kind, detail, actor, at)
            VALUES (\(bind: ticketID), \(bind: kind), \(bind: detail), \(bind: actor), \(bind: now))
            """
        ).run()
    }

    func requireTicket(_ ticketID: String) async throws -> Ticket {
        guard let ticket = try await ticket(id: ticketID) else { throw TicketError.notFound(ticketID: ticketID) }
        return ticket
    }

    /// Closes the tickets resolved more than the program's `reopen_days` before `instant`: until then a message from
    /// the customer reopens one; afterwards it starts a new ticket. Answers how many were closed.
    public func closeResolvedTickets(asOf instant: Timestamp, batchSize: Int = 500) async throws -> Int {
        let (programs, clock) = (self.programs, self.clock)
        var closed = 0
        while true {
            let batch = try await database.write { database -> Int in
                let (_, program) = try await programs.current(in: database)
                let cutoff = instant.millisecondsSinceEpoch - Int64(program.service.reopenDays) * 86_400_000
                let ids = try await database.raw(
                    """
                    SELECT ticket_id FROM tickets
                    WHERE state = \(bind: TicketState.resolved.rawValue) AND resolved_at < \(bind: cutoff)
                    ORDER BY ticket_id LIMIT \(unsafeRaw: String(batchSize))
                    """
                ).all().map { try $0.decode(column: "ticket_id", as: String.self) }
                let now = clock.milliseconds
                for ticketID in ids {
                    // Under its lock, in case a message reopened it meanwhile.
                    let (state, _, _) = try await Self.lockTicket(ticketID, in: database)
                    guard state == .resolved else { continue }
                    try await Self.setState(
                        .closed, of: ticketID, from: state, actor: "reopen window", at: now, in: database)
                }
                return ids.count
            }
            closed += batch
            if batch < batchSize { return closed }
        }
    }
}
