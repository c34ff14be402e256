import Foundation
import PatronCore
import SQLKit

/// The loyalty program in force: the newest stored version, or the standard program before any is stored.
///
/// Orders read it on every write, so it is cached; a change made through this process is seen at once,
/// one made through another node within ``refreshMilliseconds``.
public actor ProgramBook {
    private var cached: (version: Int64, program: LoyaltyProgram, loadedAt: Int64)?
    let refreshMilliseconds: Int64 = 5_000

    public init() {}

    func current(in database: any SQLDatabase) async throws -> (version: Int64, program: LoyaltyProgram) {
        let now = WallClock.system.milliseconds
        if let cached, now - cached.loadedAt < refreshMilliseconds { return (cached.version, cached.program) }
        let loaded = try await Self.load(in: database)
        remember(loaded.version, loaded.program, at: now)
        return loaded
    }

    /// Caches `program` unless a newer version is cached already: a slow read that started before a change
    /// must not put the older version back.
    func remember(_ version: Int64, _ program: LoyaltyProgram, at now: Int64) {
        if let cached, cached.version > version { return }
        cached = (version, program, now)
    }

    static func load(in database: any SQLDatabase) async throws -> (version: Int64, program: LoyaltyProgram) {
        guard
            let row = try await database.raw(
                "SELECT version, definition FROM loyalty_programs ORDER BY version DESC LIMIT 1"
            ).first()
        else { return (0, .standard) }
        let definition = try row.decode(column: "definition", as: String.self)
        let json = try JSONDecoder().decode(JSONValue.self, from: Data(definition.utf8))
        return (try row.decode(column: "version", as: Int64.self), try LoyaltyProgram(stored: json))
    }

    static func encode(_ program: LoyaltyProgram) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(program), as: UTF8.self)
    }
}

/// The program after a change: the version in force, and what the change said about itself.
public struct ProgramChange<Outcome: Sendable>: Sendable {
    public var version: Int64
    public var program: LoyaltyProgram
    public var outcome: Outcome
}

extension Store {
    /// The program in force and its version (0 for the built-in standard program).
    public func program() async throws -> (version: Int64, program: LoyaltyProgram) {
        try await database.read { try await ProgramBook.load(in: $0) }
    }

    /// Stores `program` as a new version unless it equals the one in force; returns the version in force.
    @discardableResult
    public func saveProgram(_ program: LoyaltyProgram, actor: String?) async throws -> Int64 {
        try await changeProgram(actor: actor) { $0 = program }.version
    }

    /// Applies `change` to the program in force and stores the result as the next version, as one atomic
    /// read-modify-write: simultaneous changes each see the others', none is lost.
    ///
    /// - Parameters:
    ///   - acceptedVersions: when given, the change is refused with ``ProgramError/versionMismatch(current:)``
    ///     unless the version in force is one of them (`If-Match`).
    ///   - change: edits the program; it may run more than once, each time on the newest version, so it must
    ///     depend on nothing but its argument.
    public func changeProgram<Outcome: Sendable>(
        acceptedVersions: Set<Int64>? = nil, actor: String?,
        _ change: @escaping @Sendable (inout LoyaltyProgram) throws -> Outcome
    ) async throws -> ProgramChange<Outcome> {
        let clock = self.clock
        let result = try await database.write { database in
            // Every engine inserts version n + 1 only if no one else did (the primary key decides): the loser
            // of a race reads the winner's version and applies its change to that. On PostgreSQL the insert
            // waits for a transaction holding the same version to end, so the re-read sees its program.
            while true {
                let current = try await ProgramBook.load(in: database)
                if let acceptedVersions, !acceptedVersions.contains(current.version) {
                    throw ProgramError.versionMismatch(current: current.version)
                }
                var program = current.program
                let outcome = try change(&program)
                var problems = program.problems()
                problems += program.unknownRewards(existing: try await Self.existingRewards(program, in: database))
                if program.currency != current.program.currency {
                    let ordersRecorded = try await database.raw("SELECT 1 AS found FROM orders LIMIT 1").first() != nil
                    problems += program.currencyChangeProblems(from: current.program, ordersRecorded: ordersRecorded)
                }
                guard problems.isEmpty else { throw ValidationFailure(problems) }
                guard program != current.program else {
                    return ProgramChange(version: current.version, program: program, outcome: outcome)
                }
                let next = current.version + 1
                let inserted = try await database.raw(
                    """
                    INSERT INTO loyalty_programs (version, definition, actor, created_at)
                    VALUES (\(bind: next), \(bind: try ProgramBook.encode(program)), \(bind: actor),
                            \(bind: clock.milliseconds))
                    ON CONFLICT (version) DO NOTHING RETURNING version
                    """
                ).first()
                guard inserted != nil else { continue }
                if program.tiers.evaluation != current.program.tiers.evaluation {
                    let today = program.utcOffset.date(of: clock.now)
                    try await TierRepository().followEvaluationRule(of: program, today: today, in: database)
                }
                return ProgramChange(version: next, program: program, outcome: outcome)
            }
        }
        await programs.remember(result.version, result.program, at: WallClock.system.milliseconds)
        return result
    }

    /// Which of the rewards `program` names exist.
    private static func existingRewards(
        _ program: LoyaltyProgram, in database: any SQLDatabase
    ) async throws
        -> Set<String>
    {
        let named = Set(program.namedRewards.map(\.rewardID))
        guard !named.isEmpty else { return [] }
        return Set(
            try await database.raw(
                "SELECT reward_id FROM rewards WHERE reward_id IN (\(SQLList(named.sorted().map { SQLBind($0) })))"
            ).all().map { try $0.decode(column: "reward_id", as: String.self) })
    }
}
