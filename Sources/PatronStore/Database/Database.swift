@_exported import Logging
import SQLKit
import ServiceLifecycle

/// A database Patron can read and write: SQLite or PostgreSQL behind one interface.
///
/// It is a `Service`: `run()` keeps its connections alive until the service group shuts down.
public protocol Database: Service {
    var engine: DatabaseEngine { get }

    /// Runs queries that see committed data only.
    func read<Result: Sendable>(
        _ body: @escaping @Sendable (any SQLDatabase) async throws -> Result
    ) async throws -> Result

    /// Runs `body` as one all-or-nothing unit and returns once it is durably committed.
    /// When `body` throws, nothing it wrote remains and the error is rethrown.
    func write<Result: Sendable>(
        _ body: @escaping @Sendable (any SQLDatabase) async throws -> Result
    ) async throws -> Result

    /// Closes every connection; called by `run()` on shutdown.
    func close() async
}

/// Opens the database a URL names.
public enum DatabaseFactory {
    public static func open(_ url: DatabaseURL, logger: Logger) async throws -> any Database {
        switch url {
        case .sqlite(let path): try await SQLiteBackend.open(path: path, logger: logger)
        case .postgres(let url): try PostgresBackend(url: url, logger: logger)
        }
    }
}

extension Database {
    /// Runs `body` with the database's connections alive, then closes them: for commands and tests,
    /// which have no service group of their own.
    public func withRunning<Result: Sendable>(
        _ body: @escaping @Sendable (Self) async throws -> Result
    ) async throws -> Result {
        try await withThrowingTaskGroup(of: Result?.self) { group in
            group.addTask {
                try await self.run()
                return nil
            }
            group.addTask { try await body(self) }
            defer { group.cancelAll() }
            while let result = try await group.next() {
                if let result { return result }
            }
            throw CancellationError()
        }
    }
}
