import PatronCore
import SQLKit

extension Store {
    /// A ticket with its deadlines, messages (opened) and history.
    public func ticket(id ticketID: String) async throws -> Ticket? {
        let members = self.members
        return try await database.read { database in
            guard
                var ticket = try await Self.tickets(
                    where: "ticket_id = \(bind: ticketID)", limit: 1, members: members, in: database
                ).first
            else {
                return nil
            }
            let opener = try await Self.opener(of: ticket.memberID, members: members, in: database)
            ticket.messages = try await database.raw(
                """
                SELECT message_id, kind, author, body_ciphertext, created_at FROM ticket_messages
                WHERE ticket_id = \(bind: ticketID) ORDER BY created_at, message_id
                """
            ).all().map { row in
                TicketMessage(
                    messageID: try row.decode(column: "message_id", as: String.self),
                    kind: try StoredValue.decode(TicketMessageKind.self, row, "kind"),
                    author: try row.decode(column: "author", as: String.self),
                    body: try row.decode(column: "body_ciphertext", as: String?.self).map(opener.open),
                    createdAt: .init(millisecondsSinceEpoch: try row.decode(column: "created_at", as: Int64.self)))
            }
            ticket.events = try await database.raw(
                "SELECT kind, detail, actor, at FROM ticket_events WHERE ticket_id = \(bind: ticketID) ORDER BY event_id"
            ).all().map { row in
                TicketEvent(
                    kind: try row.decode(column: "kind", as: String.self),
                    detail: try row.decode(column: "detail", as: String.self),
                    actor: try row.decode(column: "actor", as: String.self),
                    at: .init(millisecondsSinceEpoch: try row.decode(column: "at", as: Int64.self)))
            }
            return ticket
        }
    }

    /// Tickets oldest first (the order a queue is worked in), narrowed by state, queue, member and holder.
    public func tickets(
        state: TicketState?, queue: String?, memberID: String?, assignee: String? = nil, after cursor: String?,
        limit: Int
    ) async throws -> Page<Ticket> {
        var condition: SQLQueryString = "1 = 1"
        if let state { condition = condition + " AND state = \(bind: state.rawValue)" }
        if let queue { condition = condition + " AND queue = \(bind: queue)" }
        if let assignee { condition = condition + " AND assignee = \(bind: assignee)" }
        if let memberID { condition = condition + " AND member_id = \(bind: memberID)" }
        if let cursor, let colon = cursor.firstIndex(of: ":"), let openedAt = Int64(cursor[..<colon]) {
            let ticketID = String(cursor[cursor.index(after: colon)...])
            condition =
                condition
                + " AND (opened_at > \(bind: openedAt) OR (opened_at = \(bind: openedAt) AND ticket_id > \(bind: ticketID)))"
        }
        let (members, filter) = (self.members, condition)
        let found = try await database.read { database in
            try await Self.tickets(where: filter, limit: limit + 1, members: members, in: database)
        }
        let page = Array(found.prefix(limit))
        let next = found.count > limit ? page.last.map { "\($0.openedAt.millisecondsSinceEpoch):\($0.ticketID)" } : nil
        return Page(items: page, nextCursor: next)
    }

    /// A member's latest tickets, newest first.
    public func recentTickets(memberID: String, limit: Int) async throws -> [Ticket] {
        let members = self.members
        return try await database.read { database in
            try await Self.tickets(
                where: "member_id = \(bind: memberID)", limit: limit, newestFirst: true, members: members,
                in: database)
        }
    }

    private static func tickets(
        where condition: SQLQueryString, limit: Int, newestFirst: Bool = false, members: MemberRepository,
        in database: any SQLDatabase
    ) async throws -> [Ticket] {
        let order = newestFirst ? "opened_at DESC, ticket_id DESC" : "opened_at, ticket_id"
        let rows = try await database.raw(
            """
            SELECT ticket_id, member_id, feedback_id, subject_ciphertext, priority, state, queue, assignee, assigned_at,
                   merged_into, store_id, opened_by, opened_at, first_responded_at, resolved_at, closed_at
            FROM tickets WHERE \(condition) ORDER BY \(unsafeRaw: order) LIMIT \(unsafeRaw: String(limit))
            """
        ).all()
        guard !rows.isEmpty else { return [] }
        let ids = try rows.map { try $0.decode(column: "ticket_id", as: String.self) }
        var deadlines: [String: [TicketDeadline]] = [:]
        for row in try await database.raw(
            """
            SELECT ticket_id, kind, target_minutes, warn_at, due_at, warned_at, breached_at, met_at FROM ticket_deadlines
            WHERE ticket_id IN (\(SQLList(ids.map { SQLBind($0) })))
            """
        ).all() {
            func instant(_ column: String) throws -> Timestamp? {
                try row.decode(column: column, as: Int64?.self).map { Timestamp(millisecondsSinceEpoch: $0) }
            }
            deadlines[try row.decode(column: "ticket_id", as: String.self), default: []].append(
                TicketDeadline(
                    kind: try StoredValue.decode(DeadlineKind.self, row, "kind"),
                    targetMinutes: try row.decode(column: "target_minutes", as: Int64.self),
                    warnAt: try instant("warn_at"), dueAt: try instant("due_at"), warnedAt: try instant("warned_at"),
                    breachedAt: try instant("breached_at"), metAt: try instant("met_at")))
        }
        let memberIDs = try Set(rows.compactMap { try $0.decode(column: "member_id", as: String?.self) })
        let sealers = try await members.sealers(for: Array(memberIDs), in: database)
        return try rows.map { row in
            func instant(_ column: String) throws -> Timestamp? {
                try row.decode(column: column, as: Int64?.self).map { Timestamp(millisecondsSinceEpoch: $0) }
            }
            let ticketID = try row.decode(column: "ticket_id", as: String.self)
            let memberID = try row.decode(column: "member_id", as: String?.self)
            let opener =
                memberID.map { members.opener(for: $0, in: sealers) }
                ?? PersonalSealer(protector: members.protector, key: nil)
            return Ticket(
                ticketID: ticketID, memberID: memberID,
                feedbackID: try row.decode(column: "feedback_id", as: String?.self),
                subject: try row.decode(column: "subject_ciphertext", as: String?.self).map(opener.open),
                priority: try StoredValue.decode(TicketPriority.self, row, "priority"),
                state: try StoredValue.decode(TicketState.self, row, "state"),
                queue: try row.decode(column: "queue", as: String.self),
                assignee: try row.decode(column: "assignee", as: String?.self), assignedAt: try instant("assigned_at"),
                mergedInto: try row.decode(column: "merged_into", as: String?.self),
                storeID: try row.decode(column: "store_id", as: String?.self),
                openedBy: try row.decode(column: "opened_by", as: String.self),
                openedAt: try instant("opened_at")!, firstRespondedAt: try instant("first_responded_at"),
                resolvedAt: try instant("resolved_at"), closedAt: try instant("closed_at"),
                deadlines: (deadlines[ticketID] ?? []).sorted {
                    DeadlineKind.allCases.firstIndex(of: $0.kind)! < DeadlineKind.allCases.firstIndex(of: $1.kind)!
                })
        }
    }

    private static func opener(
        of memberID: String?, members: MemberRepository, in database: any SQLDatabase
    ) async throws -> PersonalSealer {
        guard let memberID else { return PersonalSealer(protector: members.protector, key: nil) }
        return members.opener(for: memberID, in: try await members.sealers(for: [memberID], in: database))
    }
}
