import Logging
import NIOCore
import NIOPosix
import SQLKit
import SQLiteKit
import SQLiteNIO
// The C library SQLiteNIO builds, called directly for the writer (see below).
import VaporCSQLite

/// The connection of the single SQLite writer.
///
/// SQLiteNIO answers every statement through a thread pool: two thread switches and a fresh `prepare` each.
/// An order is some twenty statements inside a transaction that is already open, whose pages are in memory,
/// so here they run on the calling thread from statements prepared once and kept. What can wait on the disk
/// or on another process — `BEGIN IMMEDIATE` and `COMMIT`, with its fsync and checkpoint — still goes to the
/// thread pool (``runBlocking(_:)``), so no task thread sleeps on I/O.
///
/// Only ``GroupCommitWriter`` uses a connection, one statement at a time: that is what makes it `Sendable`.
final class SQLiteWriterConnection: @unchecked Sendable {
    /// A prepared statement kept for reuse, with its result columns.
    private struct Prepared {
        let handle: OpaquePointer
        let columns: [String: Int]
        let names: [String]
    }

    /// Statements kept at most; the cache starts over when full (multi-row inserts vary in length).
    private static let cacheLimit = 256
    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

    private var handle: OpaquePointer?
    private var statements: [String: Prepared] = [:]
    let logger: Logger
    let eventLoop: any EventLoop = MultiThreadedEventLoopGroup.singleton.any()

    private init(handle: OpaquePointer, logger: Logger) {
        self.handle = handle
        self.logger = logger
    }

    static func open(path: String, logger: Logger) async throws -> SQLiteWriterConnection {
        try await NIOThreadPool.singleton.runIfActive {
            var handle: OpaquePointer?
            let flags = SQLITE_OPEN_CREATE | SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE
            let status = sqlite_nio_sqlite3_open_v2(path, &handle, flags, nil)
            guard status == SQLITE_OK, let handle else {
                let message = handle.flatMap { sqlite_nio_sqlite3_errmsg($0) }.map { String(cString: $0) }
                sqlite_nio_sqlite3_close_v2(handle)
                throw SQLiteStatementError(code: status, message: message ?? "cannot open \(path)")
            }
            return SQLiteWriterConnection(handle: handle, logger: logger)
        }
    }

    /// The connection as SQLKit sees it.
    var database: any SQLDatabase { SQLiteWriterDatabase(connection: self) }

    /// Runs `sql` on the thread pool: for statements that may wait on the disk or on a lock.
    func runBlocking(_ sql: String) async throws {
        try await NIOThreadPool.singleton.runIfActive { try self.run(sql, []) { _ in } }
    }

    /// Runs one statement on the calling thread and hands each result row to `onRow`.
    func run(_ sql: String, _ binds: [SQLiteData], _ onRow: (WriterRow) throws -> Void) throws {
        guard let connection = handle else { throw SQLiteStatementError.closed }
        let statement = try prepared(sql, on: connection)
        defer {
            sqlite_nio_sqlite3_reset(statement.handle)
            sqlite_nio_sqlite3_clear_bindings(statement.handle)
        }
        for (offset, value) in binds.enumerated() {
            try check(bind(value, at: Int32(offset + 1), in: statement.handle), on: connection)
        }
        while true {
            let status = sqlite_nio_sqlite3_step(statement.handle)
            if status == SQLITE_DONE { return }
            guard status == SQLITE_ROW else { throw error(status, on: connection) }
            try onRow(WriterRow(columns: statement.columns, names: statement.names, values: values(of: statement)))
        }
    }

    func close() {
        for statement in statements.values { sqlite_nio_sqlite3_finalize(statement.handle) }
        statements = [:]
        sqlite_nio_sqlite3_close_v2(handle)
        handle = nil
    }

    private func prepared(_ sql: String, on connection: OpaquePointer) throws -> Prepared {
        if let statement = statements[sql] { return statement }
        if statements.count >= Self.cacheLimit {
            for statement in statements.values { sqlite_nio_sqlite3_finalize(statement.handle) }
            statements = [:]
        }
        var statement: OpaquePointer?
        let status = sqlite_nio_sqlite3_prepare_v3(
            connection, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &statement, nil)
        guard status == SQLITE_OK, let statement else { throw error(status, on: connection) }
        let count = sqlite_nio_sqlite3_column_count(statement)
        let names = (0..<count).map { String(cString: sqlite_nio_sqlite3_column_name(statement, $0)) }
        let prepared = Prepared(
            handle: statement,
            columns: Dictionary(names.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first }),
            names: names)
        statements[sql] = prepared
        return prepared
    }

    private func bind(_ value: SQLiteData, at index: Int32, in statement: OpaquePointer) -> Int32 {
        switch value {
        case .integer(let integer): sqlite_nio_sqlite3_bind_int64(statement, index, Int64(integer))
        case .float(let double): sqlite_nio_sqlite3_bind_double(statement, index, double)
        case .text(let text):
            sqlite_nio_sqlite3_bind_text64(
                statement, index, text, UInt64(text.utf8.count), Self.transient, UInt8(SQLITE_UTF8))
        case .blob(let buffer):
            buffer.withUnsafeReadableBytes {
                sqlite_nio_sqlite3_bind_blob64(statement, index, $0.baseAddress, UInt64($0.count), Self.transient)
            }
        case .null: sqlite_nio_sqlite3_bind_null(statement, index)
        }
    }

    private func values(of statement: Prepared) -> [SQLiteData] {
        (0..<Int32(statement.names.count)).map { column in
            switch sqlite_nio_sqlite3_column_type(statement.handle, column) {
            case SQLITE_INTEGER: .integer(Int(sqlite_nio_sqlite3_column_int64(statement.handle, column)))
            case SQLITE_FLOAT: .float(sqlite_nio_sqlite3_column_double(statement.handle, column))
            case SQLITE_TEXT:
                .text(sqlite_nio_sqlite3_column_text(statement.handle, column).map { String(cString: $0) } ?? "")
            case SQLITE_BLOB:
                .blob(
                    ByteBuffer(
                        bytes: UnsafeRawBufferPointer(
                            start: sqlite_nio_sqlite3_column_blob(statement.handle, column),
                            count: Int(sqlite_nio_sqlite3_column_bytes(statement.handle, column)))))
            default: .null
            }
        }
    }

    private func check(_ status: Int32, on connection: OpaquePointer) throws {
        guard status == SQLITE_OK else { throw error(status, on: connection) }
    }

    private func error(_ status: Int32, on connection: OpaquePointer) -> SQLiteStatementError {
        SQLiteStatementError(code: status, message: String(cString: sqlite_nio_sqlite3_errmsg(connection)))
    }
}

/// A statement the writer's connection refused, with SQLite's extended result code and message.
public struct SQLiteStatementError: Error, CustomStringConvertible {
    public let code: Int32
    public let message: String
    public var description: String { "SQLite error \(code): \(message)" }

    static let closed = SQLiteStatementError(code: SQLITE_MISUSE, message: "the database is closed")
}

/// One result row of the writer's connection.
struct WriterRow: SQLRow {
    let columns: [String: Int]
    let names: [String]
    let values: [SQLiteData]

    var allColumns: [String] { names }

    func contains(column: String) -> Bool { columns[column] != nil }

    func decodeNil(column: String) throws -> Bool {
        guard let index = columns[column] else { return true }
        return values[index] == .null
    }

    func decode<D: Decodable>(column: String, as type: D.Type) throws -> D {
        guard let index = columns[column] else {
            throw DecodingError.keyNotFound(
                SQLiteColumnKey(column), .init(codingPath: [], debugDescription: "no column \(column)"))
        }
        return try SQLiteDataDecoder().decode(D.self, from: values[index])
    }
}

private struct SQLiteColumnKey: CodingKey {
    let stringValue: String
    var intValue: Int? { nil }
    init(_ name: String) { stringValue = name }
    init?(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}

/// SQLKit over the writer's connection: statements run at once, on the calling thread.
struct SQLiteWriterDatabase: SQLDatabase {
    let connection: SQLiteWriterConnection

    var logger: Logger { connection.logger }
    var eventLoop: any EventLoop { connection.eventLoop }
    var dialect: any SQLDialect { SQLiteDialect() }

    func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> Void) async throws {
        let (sql, binds) = serialize(query)
        let encoder = SQLiteDataEncoder()
        try connection.run(sql, try binds.map { try encoder.encode($0) }) { onRow($0) }
    }

    func execute(
        sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> Void
    ) -> EventLoopFuture<Void> {
        eventLoop.makeCompletedFuture {
            let (sql, binds) = serialize(query)
            let encoder = SQLiteDataEncoder()
            try connection.run(sql, try binds.map { try encoder.encode($0) }) { onRow($0) }
        }
    }
}
