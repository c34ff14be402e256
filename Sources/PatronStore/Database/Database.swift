@_exported import Logging
import SQLKit
import ServiceLifecycle
import Synchronization

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
        let running = Task {
            do {
                try await self.run()
            } catch {
                Self.lifecycleLogger.error("database.run.failed", metadata: ["error": "\(String(reflecting: error))"])
            }
        }
        let result: Swift.Result<Result, any Error>
        do {
            result = .success(try await body(self))
        } catch {
            result = .failure(error)
        }
        running.cancel()
        // Under load, run() has been seen to stay suspended for good after cancellation, on both engines: the
        // ServiceLifecycle wait for cancellation or graceful shutdown inside it can miss the cancellation. The
        // wait for the end is bounded so that this cannot hang a command or a test.
        if await !Self.ends(running, within: .seconds(10)) {
            Self.lifecycleLogger.warning("database.stop.unfinished", metadata: ["database.engine": "\(engine)"])
            // SQLite's run() waits for the same signal before it closes; close here instead.
            await close()
        }
        return try result.get()
    }

    /// Whether `task` ends within `limit`; a task that does not is left suspended.
    private static func ends(_ task: Task<Void, Never>, within limit: Duration) async -> Bool {
        let outcome = FirstOutcome()
        let timer = Task {
            try? await Task.sleep(for: limit)
            outcome.resolve(false)
        }
        Task {
            await task.value
            outcome.resolve(true)
        }
        let ended = await withCheckedContinuation { outcome.wait(with: $0) }
        timer.cancel()
        return ended
    }

    private static var lifecycleLogger: Logger { Logger(label: "patron.database") }
}

/// The first of several outcomes, for one waiter that may come before or after it.
private final class FirstOutcome: Sendable {
    private let state = Mutex<(waiter: CheckedContinuation<Bool, Never>?, value: Bool?)>((nil, nil))

    func wait(with waiter: CheckedContinuation<Bool, Never>) {
        let value = state.withLock { state -> Bool? in
            if state.value == nil { state.waiter = waiter }
            return state.value
        }
        if let value { waiter.resume(returning: value) }
    }

    func resolve(_ value: Bool) {
        let waiter = state.withLock { state -> CheckedContinuation<Bool, Never>? in
            guard state.value == nil else { return nil }
            state.value = value
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume(returning: value)
    }
}
