import PatronCore
import SQLKit

/// A queue, who works it and how much is in it.
public struct TicketQueue: Sendable, Hashable {
    public var queue: String
    /// Staff user ids, in id order.
    public var members: [String]
    /// Open and pending tickets in the queue, and how many of them nobody holds.
    public var waiting: Int
    public var unassigned: Int
}

public enum TicketAssignmentError: Error, Sendable, Hashable {
    /// The user is not an active member of staff.
    case notActiveStaff(userID: String)
}

extension Store {
    /// Gives the ticket to the active member of `queue` holding the fewest open and pending tickets, among equals
    /// the one given a ticket from this queue longest ago (round robin); to nobody when the queue has no active
    /// member. Inside the caller's transaction; the queue's rows are locked first (PostgreSQL), so two tickets
    /// arriving together are not both given to the same person.
    static func assign(
        _ ticketID: String, toLeastBusyOf queue: String, actor: String, at now: Int64, in database: any SQLDatabase
    ) async throws {
        _ = try await database.raw(
            """
            SELECT user_id FROM ticket_queue_members WHERE queue = \(bind: queue) ORDER BY user_id
            \(MemberRepository.forUpdate(database))
            """
        ).all()
        let assignee = try await database.raw(
            """
            SELECT m.user_id FROM ticket_queue_members m JOIN staff_users u ON u.id = m.user_id
            WHERE m.queue = \(bind: queue) AND u.status = \(bind: StaffStatus.active.rawValue)
            ORDER BY (SELECT COUNT(*) FROM tickets t
                      WHERE t.assignee = m.user_id AND t.state IN (\(bind: TicketState.open.rawValue),
                                                                  \(bind: TicketState.pending.rawValue))),
                     COALESCE(m.last_assigned_at, 0), m.user_id
            LIMIT 1
            """
        ).first()?.decode(column: "user_id", as: String.self)
        try await setAssignee(assignee, of: ticketID, queue: queue, actor: actor, at: now, in: database)
    }

    /// Records who holds the ticket (nobody for nil) and in which queue, and when its holder was last given one
    /// from that queue.
    static func setAssignee(
        _ assignee: String?, of ticketID: String, queue: String, actor: String, at now: Int64,
        in database: any SQLDatabase
    ) async throws {
        try await database.raw(
            """
            UPDATE tickets SET queue = \(bind: queue), assignee = \(bind: assignee),
                assigned_at = \(bind: assignee == nil ? nil : now), updated_at = \(bind: now)
            WHERE ticket_id = \(bind: ticketID)
            """
        ).run()
        if let assignee {
            try await database.raw(
                """
                UPDATE ticket_queue_members SET last_assigned_at = \(bind: now)
                WHERE queue = \(bind: queue) AND user_id = \(bind: assignee)
                """
            ).run()
        }
        try await recordTicketEvent(
            ticketID, "assigned", detail: "\(queue): \(assignee ?? "nobody")", actor: actor, at: now, in: database)
    }

    /// Moves a ticket to another queue (its least busy member takes it) or gives it to one person (in its queue,
    /// or the one named), as a supervisor does.
    public func reassignTicket(
        _ ticketID: String, queue: String?, assignee: String?, actor: String
    ) async throws -> Ticket {
        let clock = self.clock
        try await database.write { database in
            let now = clock.milliseconds
            let (_, _, _) = try await Self.lockTicket(ticketID, in: database)
            let current = try await database.raw("SELECT queue FROM tickets WHERE ticket_id = \(bind: ticketID)")
                .first()?.decode(column: "queue", as: String.self)
            let target = queue ?? current ?? TicketRoute.defaultQueue
            if let assignee {
                let status = try await database.raw("SELECT status FROM staff_users WHERE id = \(bind: assignee)")
                    .first()?.decode(column: "status", as: String.self)
                guard status == StaffStatus.active.rawValue else {
                    throw TicketAssignmentError.notActiveStaff(userID: assignee)
                }
                try await Self.setAssignee(assignee, of: ticketID, queue: target, actor: actor, at: now, in: database)
            } else {
                try await Self.assign(ticketID, toLeastBusyOf: target, actor: actor, at: now, in: database)
            }
        }
        return try await requireTicket(ticketID)
    }

    /// Sets who works `queue`; an empty list empties it. Every user must be an active member of staff.
    public func setTicketQueueMembers(_ queue: String, to userIDs: [String]) async throws -> TicketQueue {
        try await database.write { database in
            for userID in Set(userIDs) {
                let status = try await database.raw("SELECT status FROM staff_users WHERE id = \(bind: userID)")
                    .first()?.decode(column: "status", as: String.self)
                guard status == StaffStatus.active.rawValue else {
                    throw TicketAssignmentError.notActiveStaff(userID: userID)
                }
            }
            try await database.raw("DELETE FROM ticket_queue_members WHERE queue = \(bind: queue)").run()
            for userID in Set(userIDs).sorted() {
                try await database.raw(
                    "INSERT INTO ticket_queue_members (queue, user_id) VALUES (\(bind: queue), \(bind: userID))"
                ).run()
            }
        }
        return try await ticketQueues().first { $0.queue == queue }
            ?? TicketQueue(queue: queue, members: [], waiting: 0, unassigned: 0)
    }

    /// Every queue that has members or waiting tickets, by name.
    public func ticketQueues() async throws -> [TicketQueue] {
        try await database.read { database in
            var queues: [String: TicketQueue] = [:]
            for row in try await database.raw(
                "SELECT queue, user_id FROM ticket_queue_members ORDER BY queue, user_id"
            ).all() {
                let queue = try row.decode(column: "queue", as: String.self)
                queues[queue, default: TicketQueue(queue: queue, members: [], waiting: 0, unassigned: 0)].members
                    .append(try row.decode(column: "user_id", as: String.self))
            }
            for row in try await database.raw(
                """
                SELECT queue, COUNT(*) AS waiting, SUM(CASE WHEN assignee IS NULL THEN 1 ELSE 0 END) AS unassigned
                FROM tickets WHERE state IN (\(bind: TicketState.open.rawValue), \(bind: TicketState.pending.rawValue))
                GROUP BY queue
                """
            ).all() {
                let queue = try row.decode(column: "queue", as: String.self)
                var entry = queues[queue] ?? TicketQueue(queue: queue, members: [], waiting: 0, unassigned: 0)
                entry.waiting = Int(try row.decode(column: "waiting", as: Int64.self))
                entry.unassigned = Int(try row.decode(column: "unassigned", as: Int64.self))
                queues[queue] = entry
            }
            return queues.values.sorted { $0.queue < $1.queue }
        }
    }
}
