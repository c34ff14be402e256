import ArgumentParser
import Foundation
import PatronServer
import PatronStore

/// The options of every command that touches data; flags win over `PATRON_*` environment variables.
struct DatabaseOptions: ParsableArguments {
    @Option(
        name: .customLong("database-url"),
        help:
            "sqlite:PATH or postgres://user:pass@host:5432/db (default: $PATRON_DATABASE_URL, else sqlite:patron.sqlite)"
    )
    var databaseURL: String?

    /// The database the flags and environment name.
    func resolvedURL() throws -> DatabaseURL {
        guard let text = databaseURL ?? Environment.value("PATRON_DATABASE_URL") else { return .embeddedDefault }
        return try DatabaseURL(parsing: text)
    }

    /// The data key comes from the environment only, so it never shows in a process list.
    var dataKey: String? { Environment.value("PATRON_DATA_KEY") }
    /// Master keys a rotation replaces, needed until it finishes.
    var previousDataKeys: String? { Environment.value("PATRON_PREVIOUS_DATA_KEYS") }

    /// Opens the database with its connections running and the schema up to date, then runs `body`.
    func withStore<Result: Sendable>(_ body: @escaping @Sendable (Store) async throws -> Result) async throws -> Result
    {
        let url = try resolvedURL()
        let key = try DataKey.resolve(configuration: dataKey, database: url)
        var logger = Logger(label: "patron")
        logger.logLevel = .warning
        let database = try await DatabaseFactory.open(url, logger: logger)
        let masters = [key] + (try DataKey.previous(previousDataKeys))
        let store = Store(database: database, protector: DataProtector(masterKeys: masters))
        return try await database.withRunning { database in
            try await Migrations.migrate(database)
            try await store.loadKeys()
            return try await body(store)
        }
    }
}

enum Environment {
    static func value(_ name: String) -> String? {
        guard let value = ProcessInfo.processInfo.environment[name], !value.isEmpty else { return nil }
        return value
    }
}

/// A command's failure, printed as one line (`Error: …`) with a non-zero exit, without the usage text
/// that `ValidationError` adds.
struct CommandFailure: Error, CustomStringConvertible {
    let description: String

    init(_ description: String) {
        self.description = description
    }
}
