import PatronCore
import SQLKit

/// Reads and writes tier standings, tier history and the qualifying activity tiers are computed from.
struct TierRepository: Sendable {
    /// The member's standing; with `locking`, the row is held until the transaction ends (on PostgreSQL; SQLite's
    /// one writer runs write transactions one at a time anyway), so a write based on it cannot undo another's.
    func standing(memberID: String, locking: Bool = false, in database: any SQLDatabase) async throws -> TierStanding? {
        try await standings(of: [memberID], locking: locking, in: database)[memberID]
    }

    /// The standings of those of `memberIDs` that have one, by member id; `locking` as for one member.
    func standings(
        of memberIDs: [String], locking: Bool = false, in database: any SQLDatabase
    ) async throws -> [String: TierStanding] {
        let lock: SQLQueryString = locking && database.dialect.name == "postgresql" ? "FOR UPDATE" : ""
        let rows = try await database.raw(
            """
            SELECT member_id, tier_id, since_day, next_evaluation_day, grace_until_day FROM member_tiers
            WHERE member_id IN (\(SQLList(memberIDs.map { SQLBind($0) }))) \(lock)
            """
        ).all()
        var standings: [String: TierStanding] = [:]
        for row in rows {
            standings[try row.decode(column: "member_id", as: String.self)] = TierStanding(
                tierID: try row.decode(column: "tier_id", as: String.self),
                since: CalendarDate(daysSinceEpoch: try row.decode(column: "since_day", as: Int.self)),
                nextEvaluation: CalendarDate(
                    daysSinceEpoch: try row.decode(column: "next_evaluation_day", as: Int.self)),
                graceUntil: try row.decode(column: "grace_until_day", as: Int?.self).map(
                    CalendarDate.init(daysSinceEpoch:)))
        }
        return standings
    }

    /// The member's standing, starting them on the lowest tier when they have none yet.
    func ensureStanding(
        memberID: String, on day: CalendarDate, tiers: TierProgram, at now: Int64, in database: any SQLDatabase
    ) async throws -> TierStanding {
        // Locked: a tier evaluation may be lowering the member right now, and an upgrade must start from its result.
        if let standing = try await standing(memberID: memberID, locking: true, in: database) { return standing }
        let initial = TierRules.initialStanding(on: day, tiers: tiers)
        try await save(initial, memberID: memberID, at: now, in: database)
        return initial
    }

    func save(_ standing: TierStanding, memberID: String, at now: Int64, in database: any SQLDatabase) async throws {
        try await save([(memberID, standing)], at: now, in: database)
    }

    /// Writes the standings, one statement for all.
    func save(
        _ standings: [(memberID: String, standing: TierStanding)], at now: Int64, in database: any SQLDatabase
    ) async throws {
        guard !standings.isEmpty else { return }
        let rows = SQLList(
            standings.map { memberID, standing in
                SQLQueryString(
                    """
                    (\(bind: memberID), \(bind: standing.tierID), \(bind: standing.since.daysSinceEpoch), \
                    \(bind: standing.nextEvaluation.daysSinceEpoch), \(bind: standing.graceUntil?.daysSinceEpoch), \(bind: now))
                    """)
            })
        try await database.raw(
            """
            INSERT INTO member_tiers (member_id, tier_id, since_day, next_evaluation_day, grace_until_day, updated_at)
            VALUES \(rows)
            ON CONFLICT (member_id) DO UPDATE SET tier_id = EXCLUDED.tier_id, since_day = EXCLUDED.since_day,
                next_evaluation_day = EXCLUDED.next_evaluation_day, grace_until_day = EXCLUDED.grace_until_day,
                updated_at = EXCLUDED.updated_at
            """
        ).run()
    }

    func record(_ change: TierChange, memberID: String, at now: Int64, in database: any SQLDatabase) async throws {
        try await record([(memberID, change)], at: now, in: database)
    }

    /// Records the changes in the tier history and on the members, two statements for all.
    func record(
        _ changes: [(memberID: String, change: TierChange)], at now: Int64, in database: any SQLDatabase
    ) async throws {
        guard !changes.isEmpty else { return }
        var insert = database.insert(into: "tier_changes").columns(
            "member_id", "from_tier", "to_tier", "reason", "changed_at")
        for (memberID, change) in changes {
            insert = insert.values(
                SQLBind(memberID), SQLBind(change.from), SQLBind(change.to), SQLBind(change.reason), SQLBind(now))
        }
        try await insert.run()
        try await Outbox.emit(
            changes.map { memberID, change in
                Outbox.Event(
                    type: .tierChanged, memberID: memberID,
                    data: [
                        "from_tier": JSONValue(change.from), "to_tier": JSONValue(change.to),
                        "reason": .string(change.reason),
                    ])
            }, at: now, in: database)
        let cases = SQLList(
            changes.map { SQLQueryString("WHEN \(bind: $0.memberID) THEN \(bind: $0.change.to)") },
            separator: SQLRaw(" "))
        try await database.raw(
            """
            UPDATE members SET tier = CASE id \(cases) END
            WHERE id IN (\(SQLList(changes.map { SQLBind($0.memberID) })))
            """
        ).run()
    }

    func addActivity(
        memberID: String, occurredAt: Int64, spendMinor: Int64, points: Int64, source: String, sourceID: String,
        in database: any SQLDatabase
    ) async throws {
        try await database.raw(
            """
            INSERT INTO qualifying_activity (member_id, occurred_at, spend_minor, points, source, source_id)
            VALUES (\(bind: memberID), \(bind: occurredAt), \(bind: spendMinor), \(bind: points), \(bind: source),
                    \(bind: sourceID))
            """
        ).run()
    }

    /// The member's qualifying value (spend or points, per the basis) in the window counting on `day`.
    func qualifyingValue(
        memberID: String, on day: CalendarDate, program: LoyaltyProgram, in database: any SQLDatabase
    ) async throws -> Int64 {
        try await qualifyingValues(of: [memberID], on: day, program: program, in: database)[memberID] ?? 0
    }

    /// The qualifying values of those of `memberIDs` with activity in the window, by member id.
    func qualifyingValues(
        of memberIDs: [String], on day: CalendarDate, program: LoyaltyProgram, in database: any SQLDatabase
    ) async throws -> [String: Int64] {
        let start = program.utcOffset.startOf(TierRules.windowStart(on: day, tiers: program.tiers))
        let end = program.utcOffset.startOf(day.addingDays(1))
        let column: SQLQueryString = program.tiers.basis == .qualifyingSpend ? "spend_minor" : "points"
        let rows = try await database.raw(
            """
            SELECT member_id, CAST(COALESCE(SUM(\(column)), 0) AS BIGINT) AS value FROM qualifying_activity
            WHERE member_id IN (\(SQLList(memberIDs.map { SQLBind($0) })))
              AND occurred_at >= \(bind: start.millisecondsSinceEpoch) AND occurred_at < \(bind: end.millisecondsSinceEpoch)
            GROUP BY member_id
            """
        ).all()
        var values: [String: Int64] = [:]
        for row in rows {
            values[try row.decode(column: "member_id", as: String.self)] = try row.decode(
                column: "value", as: Int64.self)
        }
        return values
    }

    /// Upgrades the member when their qualifying value now reaches a higher tier.
    @discardableResult
    func upgradeIfQualified(
        memberID: String, standing: TierStanding, on day: CalendarDate, program: LoyaltyProgram, at now: Int64,
        in database: any SQLDatabase
    ) async throws -> TierChange? {
        let value = try await qualifyingValue(memberID: memberID, on: day, program: program, in: database)
        let (next, change) = TierRules.afterActivity(
            standing, value: value, on: day, tiers: program.tiers, currency: program.currency)
        guard let change else { return nil }
        try await save(next, memberID: memberID, at: now, in: database)
        try await record(change, memberID: memberID, at: now, in: database)
        return change
    }

    /// Moves every member's next evaluation to where the program's evaluation rule puts it now, counting
    /// from `today` (an evaluation due today stays due). Members in a grace period keep its end.
    ///
    /// The date depends only on the day a member reached their tier, so the rule runs once per distinct
    /// day and the rows change in a few set-wise statements.
    func followEvaluationRule(
        of program: LoyaltyProgram, today: CalendarDate, in database: any SQLDatabase
    )
        async throws
    {
        let days = try await database.raw(
            "SELECT DISTINCT since_day FROM member_tiers WHERE grace_until_day IS NULL ORDER BY since_day"
        ).all().map { try $0.decode(column: "since_day", as: Int.self) }
        let yesterday = today.addingDays(-1)
        var start = 0
        while start < days.count {
            let chunk = days[start..<min(start + 500, days.count)]
            start += chunk.count
            let cases = SQLList(
                chunk.map { since in
                    let next = TierRules.nextEvaluation(
                        after: yesterday, since: CalendarDate(daysSinceEpoch: since), tiers: program.tiers)
                    return SQLQueryString("WHEN \(bind: since) THEN \(bind: next.daysSinceEpoch)")
                }, separator: SQLRaw(" "))
            try await database.raw(
                """
                UPDATE member_tiers SET next_evaluation_day = CASE since_day \(cases) END
                WHERE grace_until_day IS NULL AND since_day IN (\(SQLList(chunk.map { SQLBind($0) })))
                """
            ).run()
        }
    }
}
