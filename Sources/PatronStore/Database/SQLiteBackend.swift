import NIOCore
import NIOPosix
import SQLKit
import SQLiteKit
import SQLiteNIO
import ServiceLifecycle
import Synchronization

/// The embedded engine: one SQLite file in WAL mode, one writer connection with group commit
/// and a few reader connections that see committed data while writes go on.
public final class SQLiteBackend: Database {
    public var engine: DatabaseEngine { .sqlite }

    private let writer: GroupCommitWriter
    private let readers: [SQLiteConnection]
    private let nextReader = Atomic<Int>(0)

    private init(writerConnection: SQLiteWriterConnection, readers: [SQLiteConnection]) {
        self.writer = GroupCommitWriter(connection: writerConnection)
        self.readers = readers
    }

    /// Opens (creating if needed) the database file at `path`.
    public static func open(path: String, readerCount: Int = 2, logger: Logger) async throws -> SQLiteBackend {
        let writer = try await SQLiteWriterConnection.open(path: path, logger: logger)
        // WAL lets readers run beside the writer; FULL makes every acknowledged commit survive power loss.
        // The writer keeps up to 32 MiB of pages (the default is 2 MiB): inserts land all over the indexes of a
        // large history, and with the default cache a bulk import rereads the same pages from the file system.
        for pragma in [
            "PRAGMA busy_timeout = 10000", "PRAGMA journal_mode = WAL", "PRAGMA synchronous = FULL",
            "PRAGMA foreign_keys = ON", "PRAGMA cache_size = -32768",
        ] {
            try await writer.runBlocking(pragma)
        }
        var readers: [SQLiteConnection] = []
        for _ in 0..<readerCount {
            let reader = try await SQLiteConnection.open(storage: .file(path: path), logger: logger)
            _ = try await reader.query("PRAGMA busy_timeout = 10000")
            _ = try await reader.query("PRAGMA query_only = ON")
            readers.append(reader)
        }
        return SQLiteBackend(writerConnection: writer, readers: readers)
    }

    public func read<Result: Sendable>(
        _ body: @escaping @Sendable (any SQLDatabase) async throws -> Result
    ) async throws -> Result {
        let index = nextReader.add(1, ordering: .relaxed).newValue
        return try await body(readers[index % readers.count].sql())
    }

    public func write<Result: Sendable>(
        _ body: @escaping @Sendable (any SQLDatabase) async throws -> Result
    ) async throws -> Result {
        try await writer.write(body)
    }

    public func run() async throws {
        try? await gracefulShutdown()
        await close()
    }

    public func close() async {
        // The future-returning `close()` still runs when the calling task is already cancelled
        // (the usual case at shutdown), where the async one gives up.
        for connection in readers {
            let closed: EventLoopFuture<Void> = connection.close()
            try? await closed.get()
        }
        await writer.close()
    }
}
