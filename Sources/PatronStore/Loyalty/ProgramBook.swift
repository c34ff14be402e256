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
        let now = Clock.nowMilliseconds()
        if let cached, now - cached.loadedAt < refreshMilliseconds { return (cached.version, cached.program) }
        let loaded = try await Self.load(in: database)
        cached = (loaded.version, loaded.program, now)
        return loaded
    }

    func forget() {
        cached = nil
    }

    static func load(in database: any SQLDatabase) async throws -> (version: Int64, program: LoyaltyProgram) {
        guard
            let row = try await database.raw(
                "SELECT version, definition FROM loyalty_programs ORDER BY version DESC LIMIT 1"
            ).first()
        else { return (0, .standard) }
        let definition = try row.decode(column: "definition", as: String.self)
        return (
            try row.decode(column: "version", as: Int64.self),
            try JSONDecoder().decode(LoyaltyProgram.self, from: Data(definition.utf8))
        )
    }

    static func encode(_ program: LoyaltyProgram) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(program), as: UTF8.self)
    }
}

extension Store {
    /// The program in force and its version (0 for the built-in standard program).
    public func program() async throws -> (version: Int64, program: LoyaltyProgram) {
        try await database.read { try await ProgramBook.load(in: $0) }
    }

    /// Stores `program` as a new version unless it equals the one in force; returns the version in force.
    @discardableResult
    public func saveProgram(_ program: LoyaltyProgram, actor: String?) async throws -> Int64 {
        let problems = program.problems()
        guard problems.isEmpty else { throw ValidationFailure(problems) }
        let engine = database.engine
        let version = try await database.write { database in
            if engine == .postgres {
                // Two simultaneous changes would otherwise pick the same version number.
                try await database.raw("LOCK TABLE loyalty_programs IN EXCLUSIVE MODE").run()
            }
            let current = try await ProgramBook.load(in: database)
            guard program != current.program else { return current.version }
            let next = current.version + 1
            try await database.raw(
                """
                INSERT INTO loyalty_programs (version, definition, actor, created_at)
                VALUES (\(bind: next), \(bind: try ProgramBook.encode(program)), \(bind: actor),
                        \(bind: Clock.nowMilliseconds()))
                """
            ).run()
            return next
        }
        await programs.forget()
        return version
    }
}
