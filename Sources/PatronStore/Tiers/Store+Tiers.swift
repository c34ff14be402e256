import PatronCore
import SQLKit

/// A member's tier as shown to them: where they stand, what counts, what is next, and how they got here.
public struct TierView: Sendable, Hashable {
    public var standing: TierStanding
    public var level: TierProgram.Level
    public var basis: TierProgram.Basis
    public var qualifyingValue: Int64
    public var next: (next: TierProgram.Level, remaining: Int64)?
    public var history: [TierHistoryEntry]

    public static func == (lhs: TierView, rhs: TierView) -> Bool {
        lhs.standing == rhs.standing && lhs.qualifyingValue == rhs.qualifyingValue && lhs.history == rhs.history
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(standing)
        hasher.combine(qualifyingValue)
    }
}

public struct TierHistoryEntry: Sendable, Hashable {
    public var from: String?
    public var to: String
    public var reason: String
    public var changedAt: Timestamp
}

extension Store {
    /// The member's tier, progress and history, or nil when there is no such member.
    public func tierView(memberID: String, at instant: Timestamp) async throws -> TierView? {
        let programs = self.programs
        return try await database.read { database in
            guard try await database.raw("SELECT id FROM members WHERE id = \(bind: memberID)").first() != nil else {
                return nil
            }
            let (_, program) = try await programs.current(in: database)
            let tiers = TierRepository()
            let today = program.utcOffset.date(of: instant)
            let standing =
                try await tiers.standing(memberID: memberID, in: database)
                ?? TierRules.initialStanding(on: today, tiers: program.tiers)
            let value = try await tiers.qualifyingValue(memberID: memberID, on: today, program: program, in: database)
            let history = try await database.raw(
                """
                SELECT from_tier, to_tier, reason, changed_at FROM tier_changes
                WHERE member_id = \(bind: memberID) ORDER BY change_id DESC
                """
            ).all().map { row in
                TierHistoryEntry(
                    from: try row.decode(column: "from_tier", as: String?.self),
                    to: try row.decode(column: "to_tier", as: String.self),
                    reason: try row.decode(column: "reason", as: String.self),
                    changedAt: Timestamp(millisecondsSinceEpoch: try row.decode(column: "changed_at", as: Int64.self)))
            }
            return TierView(
                standing: standing, level: program.tiers.level(standing.tierID) ?? program.tiers.lowest,
                basis: program.tiers.basis, qualifyingValue: value,
                next: TierRules.progress(value: value, standing: standing, tiers: program.tiers), history: history)
        }
    }

    /// Evaluates every member whose evaluation is due on or before `asOf`'s local day: keeps, starts a grace
    /// period, or lowers their tier. Running it again the same day changes nothing.
    public func evaluateTiers(asOf: Timestamp, batchSize: Int = 500) async throws -> (evaluated: Int, changed: Int) {
        let programs = self.programs
        // Several nodes may run this at once: each takes the due rows no other holds, so a member is evaluated
        // once; a row another node has just evaluated is no longer due when its lock is released.
        let skipLocked: SQLQueryString = database.engine == .postgres ? "FOR UPDATE SKIP LOCKED" : ""
        var evaluated = 0
        var changed = 0
        while true {
            let batch = try await database.write { database in
                let now = clock.milliseconds
                let (_, program) = try await programs.current(in: database)
                let day = program.utcOffset.date(of: asOf)
                let tiers = TierRepository()
                let due = try await database.raw(
                    """
                    SELECT member_id FROM member_tiers WHERE next_evaluation_day <= \(bind: day.daysSinceEpoch)
                    ORDER BY member_id LIMIT \(unsafeRaw: String(batchSize)) \(skipLocked)
                    """
                ).all().map { try $0.decode(column: "member_id", as: String.self) }
                var changes = 0
                for memberID in due {
                    guard let standing = try await tiers.standing(memberID: memberID, in: database) else { continue }
                    let value = try await tiers.qualifyingValue(
                        memberID: memberID, on: day, program: program, in: database)
                    let (next, change) = TierRules.evaluate(
                        standing, value: value, on: day, tiers: program.tiers, currency: program.currency)
                    try await tiers.save(next, memberID: memberID, at: now, in: database)
                    if let change {
                        try await tiers.record(change, memberID: memberID, at: now, in: database)
                        changes += 1
                    }
                }
                return (due.count, changes)
            }
            evaluated += batch.0
            changed += batch.1
            if batch.0 < batchSize { return (evaluated, changed) }
        }
    }
}
