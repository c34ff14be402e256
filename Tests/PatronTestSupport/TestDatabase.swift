import Crypto
import Foundation
import PatronStore
import SQLKit

/// A fresh, empty database for one test, on SQLite always and on PostgreSQL when
/// `PATRON_TEST_POSTGRES_URL` names a server the tests may create databases on.
public enum TestDatabase {
    /// The engines every store and API test runs on.
    public static var engines: [DatabaseEngine] {
        postgresAdministrationURL == nil ? [.sqlite] : [.sqlite, .postgres]
    }

    static var postgresAdministrationURL: String? {
        guard let url = ProcessInfo.processInfo.environment["PATRON_TEST_POSTGRES_URL"], !url.isEmpty else {
            return nil
        }
        return url
    }

    /// A random data key, as `PATRON_DATA_KEY` would hold it.
    public static func makeDataKey() -> String {
        SymmetricKey(size: .bits256).withUnsafeBytes { Data($0).base64EncodedString() }
    }

    public static var logger: Logger {
        var logger = Logger(label: "patron.tests")
        logger.logLevel = .warning
        return logger
    }

    /// Creates an empty database, passes its URL to `body`, and drops it afterwards.
    public static func withURL<Result: Sendable>(
        _ engine: DatabaseEngine, _ body: @Sendable (DatabaseURL) async throws -> Result
    ) async throws -> Result {
        switch engine {
        case .sqlite:
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
                "patron-test-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: directory) }
            return try await body(.sqlite(path: directory.appendingPathComponent("test.sqlite").path))
        case .postgres:
            guard let administrationURL = postgresAdministrationURL,
                var components = URLComponents(string: administrationURL)
            else { throw TestDatabaseError.postgresNotConfigured }
            let name = "patron_test_\(UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: ""))"
            try await administer(administrationURL, "CREATE DATABASE \(name)")
            components.path = "/\(name)"
            do {
                let result = try await body(.postgres(url: components.string!))
                try await administer(administrationURL, "DROP DATABASE \(name) WITH (FORCE)")
                return result
            } catch {
                try? await administer(administrationURL, "DROP DATABASE \(name) WITH (FORCE)")
                throw error
            }
        }
    }

    /// Opens a fresh, migrated database and runs `body` with a store on it that reads `clock`.
    public static func withStore<Result: Sendable>(
        _ engine: DatabaseEngine, clock: WallClock = .system, _ body: @escaping @Sendable (Store) async throws -> Result
    ) async throws -> Result {
        try await withURL(engine) { url in
            let database = try await DatabaseFactory.open(url, logger: logger)
            let protector = DataProtector(dataKey: try DataKey.parse(makeDataKey(), source: "test"))
            return try await database.withRunning { database in
                try await Migrations.migrate(database)
                // bcrypt at its lowest cost: tests check what is hashed, not how slowly.
                return try await body(
                    Store(
                        database: database, protector: protector, passwordHasher: PasswordHasher(cost: 4), clock: clock)
                )
            }
        }
    }

    /// Runs a statement outside any transaction (CREATE/DROP DATABASE cannot run inside one).
    private static func administer(_ url: String, _ statement: String) async throws {
        let database = try PostgresBackend(url: url, maximumConnections: 1, logger: logger)
        try await database.withRunning { database in
            try await database.read { try await $0.raw(SQLQueryString(statement)).run() }
        }
    }
}

public enum TestDatabaseError: Error {
    case postgresNotConfigured
}
