import PatronCore
import SQLKit

/// Each local day that is over, summed once: its orders, customers and net revenue, its points by entry kind, and
/// how many of its orders came how many days after the member's previous order and the one before that. The
/// overview then reads a year as a few hundred rows and only today's orders, instead of every order of the year.
///
/// Distinct customers do not add up across days, but gaps do: a member ordered in the period once for each of the
/// period's orders whose previous order came before the period, and twice or more once for each order whose
/// previous order is inside it and the one before that is not (see ``customers(from:through:in:)``).
///
/// A day that is over only changes when something about the past is written: an order that happened before today
/// (a till that was offline, an import) or a refund of one. Such a write calls ``invalidate(from:program:now:in:)``,
/// which moves `valid_until` back to that instant and bumps the generation. ``refresh(program:now:database:)``
/// rebuilds from `valid_until` through yesterday outside any write, then saves only if the generation it read first
/// is still current, so a write it did not see cannot be lost.
struct ActivityRollups: Sendable {
    /// A gap longer than any period the sums serve counts as no earlier order; a longer period is read live.
    static let longestGapDays = 3 * 366

    /// How long after midnight a day is summed: a writer whose clock is a little behind, or whose transaction began
    /// before midnight, still counts that day as today and so does not mark it changed.
    static let settlingMilliseconds: Int64 = 15 * 60_000

    /// Notes that a write about `instant` changed that day's sums, unless the day is today or later (the sums end
    /// before today). Runs in the writer's transaction.
    static func invalidate(
        from instant: Int64, program: LoyaltyProgram, now: Int64, in database: any SQLDatabase
    ) async throws {
        let today = program.utcOffset.date(of: Timestamp(millisecondsSinceEpoch: now))
        guard instant < program.utcOffset.startOf(today).millisecondsSinceEpoch else { return }
        try await database.raw(
            """
            UPDATE activity_rollups
            SET valid_until = CASE WHEN valid_until > \(bind: instant) THEN \(bind: instant) ELSE valid_until END,
                generation = generation + 1
            WHERE id = 1
            """
        ).run()
    }

    /// The first local day the sums do not hold for `program`'s offset and currency, or nil when they hold none.
    static func firstOpenDay(of program: LoyaltyProgram, in database: any SQLDatabase) async throws -> CalendarDate? {
        guard let state = try await State.read(in: database), state.holds(program) else { return nil }
        return program.utcOffset.date(of: Timestamp(millisecondsSinceEpoch: state.validUntil))
    }

    /// Sums every day from the first one that changed through yesterday; returns how many days were summed, 0 when
    /// nothing had changed or a late write came in meanwhile (the next run sums again).
    static func refresh(program: LoyaltyProgram, now: Int64, database: any Database) async throws -> Int {
        let today = program.utcOffset.date(of: Timestamp(millisecondsSinceEpoch: now - settlingMilliseconds))
        let plan = try await database.read { database -> (state: State, first: CalendarDate)? in
            guard let state = try await State.read(in: database) else { return nil }
            let held = state.holds(program)
            if held, state.validUntil >= program.utcOffset.startOf(today).millisecondsSinceEpoch { return nil }
            let earliest = try await earliestDay(program: program, in: database) ?? today
            let changed =
                held ? program.utcOffset.date(of: Timestamp(millisecondsSinceEpoch: state.validUntil)) : earliest
            return (state, max(changed, earliest))
        }
        guard let plan else { return 0 }
        let last = today.addingDays(-1)
        let sums = try await database.read { database in
            try await Sums.compute(from: plan.first, through: last, program: program, in: database)
        }
        let saved = try await database.write { database in
            guard
                try await database.raw(
                    """
                    UPDATE activity_rollups
                    SET utc_offset_minutes = \(bind: Int64(program.utcOffset.minutes)),
                        currency = \(bind: program.currency.code),
                        valid_until = \(bind: program.utcOffset.startOf(today).millisecondsSinceEpoch),
                        generation = generation + 1, built_at = \(bind: now)
                    WHERE id = 1 AND generation = \(bind: plan.state.generation)
                    RETURNING id
                    """
                ).first() != nil
            else { return false }
            // Sums for another offset or currency are of no use: all go.
            let from = plan.state.holds(program) ? Int64(plan.first.daysSinceEpoch) : Int64.min
            for table in ["activity_days", "activity_points", "activity_order_gaps"] {
                try await database.raw("DELETE FROM \(unsafeRaw: table) WHERE day >= \(bind: from)").run()
            }
            try await sums.save(in: database)
            return true
        }
        return saved ? max(0, last.daysSinceEpoch - plan.first.daysSinceEpoch + 1) : 0
    }

    /// The local day of the first order, point entry or member, nil when there is none.
    private static func earliestDay(program: LoyaltyProgram, in database: any SQLDatabase) async throws -> CalendarDate?
    {
        let row = try await database.raw(
            """
            SELECT (SELECT MIN(occurred_at) FROM orders) AS first_order,
                   (SELECT MIN(created_at) FROM point_entries) AS first_entry,
                   (SELECT MIN(joined_at) FROM members) AS first_member
            """
        ).first()
        let instants = try ["first_order", "first_entry", "first_member"].compactMap { column in
            try row?.decode(column: column, as: Int64?.self)
        }
        return instants.min().map { program.utcOffset.date(of: Timestamp(millisecondsSinceEpoch: $0)) }
    }

    /// The one row saying what the sums hold.
    struct State {
        var offsetMinutes: Int
        var currency: String
        var validUntil: Int64
        var generation: Int64

        static func read(in database: any SQLDatabase) async throws -> State? {
            guard
                let row = try await database.raw(
                    "SELECT utc_offset_minutes, currency, valid_until, generation FROM activity_rollups WHERE id = 1"
                ).first()
            else { return nil }
            return State(
                offsetMinutes: Int(try row.decode(column: "utc_offset_minutes", as: Int64.self)),
                currency: try row.decode(column: "currency", as: String.self),
                validUntil: try row.decode(column: "valid_until", as: Int64.self),
                generation: try row.decode(column: "generation", as: Int64.self))
        }

        func holds(_ program: LoyaltyProgram) -> Bool {
            offsetMinutes == program.utcOffset.minutes && currency == program.currency.code
        }
    }
}

extension Store {
    /// Sums the days that are over and changed since the last run, for the overview; returns how many were summed.
    @discardableResult
    public func refreshActivityRollups() async throws -> Int {
        let (_, program) = try await program()
        return try await ActivityRollups.refresh(program: program, now: clock.milliseconds, database: database)
    }
}
