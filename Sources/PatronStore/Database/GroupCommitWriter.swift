import NIOCore
import SQLKit

/// The single writer of an SQLite database, with group commit.
///
/// Writes that arrive while a transaction is being committed wait and then share the next one: each runs
/// inside its own savepoint (so a failing write is rolled back alone) and each caller is answered only
/// after the shared COMMIT. One fsync then acknowledges many writes, which is what lets the embedded
/// engine ingest thousands of orders a second while staying durable.
actor GroupCommitWriter {
    private struct PendingWrite: Sendable {
        /// Runs the write; returns how to answer its caller once the transaction commits.
        let perform: @Sendable (any SQLDatabase) async throws -> @Sendable () -> Void
        let fail: @Sendable (any Error) -> Void
    }

    private let connection: SQLiteWriterConnection
    private let database: any SQLDatabase
    private var pending: [PendingWrite] = []
    private var isDraining = false
    private var isClosed = false
    private let maximumBatchSize: Int

    init(connection: SQLiteWriterConnection, maximumBatchSize: Int = 256) {
        self.connection = connection
        self.database = connection.database
        self.maximumBatchSize = maximumBatchSize
    }

    func write<Result: Sendable>(
        _ body: @escaping @Sendable (any SQLDatabase) async throws -> Result
    ) async throws -> Result {
        guard !isClosed else { throw SQLiteStatementError.closed }
        let promise = connection.eventLoop.makePromise(of: Result.self)
        pending.append(
            PendingWrite(
                perform: { database in
                    let value = try await body(database)
                    return { promise.succeed(value) }
                },
                fail: { promise.fail($0) }))
        // The first caller to find the writer idle commits batches until none are left;
        // the others only wait for their answer.
        if !isDraining {
            isDraining = true
            // In a task of its own, which the caller's cancellation does not reach: a cancelled task's COMMIT or
            // ROLLBACK would not run, and the connection would stay inside a transaction, refusing every write.
            await Task { await self.drain() }.value
        }
        return try await promise.futureResult.get()
    }

    private func drain() async {
        while !pending.isEmpty {
            let batch = Array(pending.prefix(maximumBatchSize))
            pending.removeFirst(batch.count)
            await commit(batch)
        }
        isDraining = false
        if isClosed { connection.close() }
    }

    /// Closes the connection once the writes under way are committed; later writes fail.
    func close() {
        isClosed = true
        if !isDraining { connection.close() }
    }

    private func commit(_ batch: [PendingWrite]) async {
        do {
            try await connection.runBlocking("BEGIN IMMEDIATE")
        } catch {
            batch.forEach { $0.fail(error) }
            return
        }
        var answers: [@Sendable () -> Void] = []
        answers.reserveCapacity(batch.count)
        for write in batch {
            do {
                try await database.raw("SAVEPOINT pending_write").run()
            } catch {
                answers.append { write.fail(error) }
                continue
            }
            do {
                let answer = try await write.perform(database)
                try await database.raw("RELEASE pending_write").run()
                answers.append(answer)
            } catch {
                try? await database.raw("ROLLBACK TO pending_write").run()
                try? await database.raw("RELEASE pending_write").run()
                answers.append { write.fail(error) }
            }
        }
        do {
            try await connection.runBlocking("COMMIT")
            answers.forEach { $0() }
        } catch {
            try? await connection.runBlocking("ROLLBACK")
            batch.forEach { $0.fail(error) }
        }
    }
}
