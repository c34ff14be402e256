import PatronCore
import SQLKit

/// Applies the service levels to a ticket's deadline rows inside the caller's transaction: a deadline runs from a
/// moment with some working time already spent, stops when the ticket waits on the customer, and is met by the
/// team's answer. Each row keeps the working time spent (`elapsed`) and, while running, since when.
enum TicketDeadlines {
    /// Starts `kind` from `now`, `elapsed` of its target already spent, clearing what became of an earlier run.
    static func start(
        _ kind: DeadlineKind, of ticketID: String, priority: TicketPriority, elapsed: Int64 = 0, at now: Int64,
        service: ServiceSettings, in database: any SQLDatabase
    ) async throws {
        let minutes = kind.minutes(in: service.levels.targets(for: priority))
        let times = DeadlineTimes.of(
            minutes: minutes, from: Timestamp(millisecondsSinceEpoch: now), elapsed: elapsed,
            warningShare: service.levels.warningShare, calendar: service.calendar)
        try await database.raw(
            """
            INSERT INTO ticket_deadlines (ticket_id, kind, target_minutes, running_since, elapsed, warn_at, due_at)
            VALUES (\(bind: ticketID), \(bind: kind.rawValue), \(bind: Int64(minutes)), \(bind: now), \(bind: elapsed),
                    \(bind: times?.warnAt.millisecondsSinceEpoch), \(bind: times?.dueAt.millisecondsSinceEpoch))
            ON CONFLICT (ticket_id, kind) DO UPDATE SET target_minutes = excluded.target_minutes,
                running_since = excluded.running_since, elapsed = excluded.elapsed, warn_at = excluded.warn_at,
                due_at = excluded.due_at, warned_at = NULL, breached_at = NULL, met_at = NULL
            """
        ).run()
    }

    /// The deadlines still to meet, with their running state.
    private static func open(
        of ticketID: String, kinds: [DeadlineKind] = DeadlineKind.allCases, in database: any SQLDatabase
    ) async throws -> [(kind: String, runningSince: Int64?, elapsed: Int64, minutes: Int64)] {
        try await database.raw(
            """
            SELECT kind, running_since, elapsed, target_minutes FROM ticket_deadlines
            WHERE ticket_id = \(bind: ticketID) AND met_at IS NULL
              AND kind IN (\(SQLList(kinds.map { SQLBind($0.rawValue) })))
            """
        ).all().map {
            (
                try $0.decode(column: "kind", as: String.self), try $0.decode(column: "running_since", as: Int64?.self),
                try $0.decode(column: "elapsed", as: Int64.self),
                try $0.decode(column: "target_minutes", as: Int64.self)
            )
        }
    }

    /// Stops the clock: the working time run so far is kept, nothing warns or falls due until it resumes.
    static func pause(
        _ ticketID: String, at now: Int64, calendar: BusinessCalendar, in database: any SQLDatabase
    )
        async throws
    {
        for row in try await open(of: ticketID, in: database) {
            guard let since = row.runningSince else { continue }
            let elapsed =
                row.elapsed
                + calendar.workingTime(
                    from: .init(millisecondsSinceEpoch: since), to: .init(millisecondsSinceEpoch: now))
            try await database.raw(
                """
                UPDATE ticket_deadlines SET running_since = NULL, elapsed = \(bind: elapsed), warn_at = NULL, due_at = NULL
                WHERE ticket_id = \(bind: ticketID) AND kind = \(bind: row.kind)
                """
            ).run()
        }
    }

    /// Starts the stopped clocks again from `now`, with the time they had already run.
    static func resume(
        _ ticketID: String, at now: Int64, service: ServiceSettings, in database: any SQLDatabase
    )
        async throws
    {
        for row in try await open(of: ticketID, in: database) where row.runningSince == nil {
            let times = DeadlineTimes.of(
                minutes: Int(row.minutes), from: .init(millisecondsSinceEpoch: now), elapsed: row.elapsed,
                warningShare: service.levels.warningShare, calendar: service.calendar)
            try await database.raw(
                """
                UPDATE ticket_deadlines SET running_since = \(bind: now),
                    warn_at = \(bind: times?.warnAt.millisecondsSinceEpoch), due_at = \(bind: times?.dueAt.millisecondsSinceEpoch)
                WHERE ticket_id = \(bind: ticketID) AND kind = \(bind: row.kind)
                """
            ).run()
        }
    }

    /// Marks `kinds` met at `now`, keeping the working time they took.
    static func meet(
        _ kinds: [DeadlineKind], of ticketID: String, at now: Int64, calendar: BusinessCalendar,
        in database: any SQLDatabase
    ) async throws {
        for row in try await open(of: ticketID, kinds: kinds, in: database) {
            let ran =
                row.runningSince.map {
                    calendar.workingTime(
                        from: .init(millisecondsSinceEpoch: $0), to: .init(millisecondsSinceEpoch: now))
                } ?? 0
            try await database.raw(
                """
                UPDATE ticket_deadlines SET met_at = \(bind: now), running_since = NULL, elapsed = \(bind: row.elapsed + ran)
                WHERE ticket_id = \(bind: ticketID) AND kind = \(bind: row.kind)
                """
            ).run()
        }
    }

    /// Takes up a met deadline again (a resolved ticket reopened), with the time it had taken.
    static func reopen(
        _ kind: DeadlineKind, of ticketID: String, at now: Int64, service: ServiceSettings,
        in database: any SQLDatabase
    ) async throws {
        try await database.raw(
            """
            UPDATE ticket_deadlines SET met_at = NULL, running_since = NULL
            WHERE ticket_id = \(bind: ticketID) AND kind = \(bind: kind.rawValue)
            """
        ).run()
        try await resume(ticketID, at: now, service: service, in: database)
    }
}
