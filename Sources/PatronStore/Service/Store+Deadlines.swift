import PatronCore
import SQLKit

/// A warning or a missed target, as the deadline service fired it.
public struct DeadlineFiring: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable {
        case warning, breach
    }

    public var ticketID: String
    public var deadline: DeadlineKind
    public var kind: Kind
    /// The ticket's priority after a missed target raised it.
    public var escalatedTo: TicketPriority?

    public init(ticketID: String, deadline: DeadlineKind, kind: Kind, escalatedTo: TicketPriority? = nil) {
        self.ticketID = ticketID
        self.deadline = deadline
        self.kind = kind
        self.escalatedTo = escalatedTo
    }
}

extension Store {
    /// The earliest warning or due time not yet fired, from the two partial indexes: one look-up each however many
    /// tickets are open. Nil when nothing is running.
    public func nextDeadline() async throws -> Timestamp? {
        try await database.read { database in
            let row = try await database.raw(
                """
                SELECT
                  (SELECT MIN(warn_at) FROM ticket_deadlines WHERE warned_at IS NULL AND met_at IS NULL) AS warn,
                  (SELECT MIN(due_at) FROM ticket_deadlines WHERE breached_at IS NULL AND met_at IS NULL) AS due
                """
            ).first()
            let times = [
                try row?.decode(column: "warn", as: Int64?.self), try row?.decode(column: "due", as: Int64?.self),
            ].compactMap { $0 }
            return times.min().map { Timestamp(millisecondsSinceEpoch: $0) }
        }
    }

    /// Fires every warning and missed target due by `instant`, each once however many nodes run this at the same
    /// time: the update that marks a deadline fired is also what claims it. A missed target raises the ticket's
    /// priority a step and moves it to the supervisors' queue.
    public func fireDeadlines(asOf instant: Timestamp, batchSize: Int = 1_000) async throws -> [DeadlineFiring] {
        let at = instant.millisecondsSinceEpoch
        var fired: [DeadlineFiring] = []
        while true {
            let batch = try await database.write { database in
                // On PostgreSQL a node passes over the rows another is claiming rather than wait for them (and
                // deadlock when two lock overlapping rows in different orders); the other fires them.
                let skipClaimed: SQLQueryString =
                    database.dialect.name == "postgresql" ? "FOR UPDATE SKIP LOCKED" : ""
                var batch: [DeadlineFiring] = []
                for row in try await database.raw(
                    """
                    UPDATE ticket_deadlines SET warned_at = \(bind: at)
                    WHERE (ticket_id, kind) IN (
                        SELECT ticket_id, kind FROM ticket_deadlines
                        WHERE warned_at IS NULL AND met_at IS NULL AND warn_at <= \(bind: at)
                        ORDER BY warn_at LIMIT \(unsafeRaw: String(batchSize)) \(skipClaimed))
                      AND warned_at IS NULL AND met_at IS NULL
                    RETURNING ticket_id, kind
                    """
                ).all() {
                    let ticketID = try row.decode(column: "ticket_id", as: String.self)
                    let kind = try StoredValue.decode(DeadlineKind.self, row, "kind")
                    try await Self.recordTicketEvent(
                        ticketID, "warning", detail: kind.rawValue, actor: "deadlines", at: at, in: database)
                    batch.append(DeadlineFiring(ticketID: ticketID, deadline: kind, kind: .warning))
                }
                for row in try await database.raw(
                    """
                    UPDATE ticket_deadlines SET breached_at = \(bind: at)
                    WHERE (ticket_id, kind) IN (
                        SELECT ticket_id, kind FROM ticket_deadlines
                        WHERE breached_at IS NULL AND met_at IS NULL AND due_at <= \(bind: at)
                        ORDER BY due_at LIMIT \(unsafeRaw: String(batchSize)) \(skipClaimed))
                      AND breached_at IS NULL AND met_at IS NULL
                    RETURNING ticket_id, kind
                    """
                ).all() {
                    let ticketID = try row.decode(column: "ticket_id", as: String.self)
                    let kind = try StoredValue.decode(DeadlineKind.self, row, "kind")
                    try await Self.recordTicketEvent(
                        ticketID, "breach", detail: kind.rawValue, actor: "deadlines", at: at, in: database)
                    let raised = try await Self.escalate(ticketID, at: at, in: database)
                    try await Outbox.emit(
                        .ticketBreached, memberID: try await Self.ticketMember(ticketID, in: database),
                        data: [
                            "ticket_id": .string(ticketID), "deadline": .string(kind.rawValue),
                            "priority": JSONValue(raised?.rawValue),
                        ], at: at, in: database)
                    batch.append(DeadlineFiring(ticketID: ticketID, deadline: kind, kind: .breach, escalatedTo: raised))
                }
                return batch
            }
            fired += batch
            // Only an empty batch means nothing is left: another node may have claimed part of a short one.
            if batch.isEmpty { return fired }
        }
    }

    private static func ticketMember(_ ticketID: String, in database: any SQLDatabase) async throws -> String? {
        try await database.raw("SELECT member_id FROM tickets WHERE ticket_id = \(bind: ticketID)").first()?
            .decode(column: "member_id", as: String?.self)
    }

    /// Raises a ticket's priority a step and hands it to the supervisors.
    private static func escalate(
        _ ticketID: String, at now: Int64, in database: any SQLDatabase
    ) async throws
        -> TicketPriority?
    {
        guard
            let row = try await database.raw(
                "SELECT priority FROM tickets WHERE ticket_id = \(bind: ticketID) \(MemberRepository.forUpdate(database))"
            ).first()
        else { return nil }
        let raised = try StoredValue.decode(TicketPriority.self, row, "priority").raised
        try await database.raw(
            "UPDATE tickets SET priority = \(bind: raised.rawValue) WHERE ticket_id = \(bind: ticketID)"
        ).run()
        let queue = TicketRoute.supervisorQueue
        try await recordTicketEvent(
            ticketID, "escalated", detail: "\(raised.rawValue), \(queue)", actor: "deadlines", at: now, in: database)
        try await assign(ticketID, toLeastBusyOf: queue, actor: "deadlines", at: now, in: database)
        return raised
    }
}
