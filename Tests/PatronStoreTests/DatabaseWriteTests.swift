import PatronStore
import PatronTestSupport
import SQLKit
import Testing

/// The write path under the store: concurrent writes, a failing write among them, values in and out.
@Suite struct DatabaseWriteTests {
    struct Refused: Error {}

    @Test(arguments: TestDatabase.engines)
    func concurrentWritesCommitAndAFailingOneIsRolledBackAlone(engine: DatabaseEngine) async throws {
        try await TestDatabase.withStore(engine) { store in
            let committed = try await withThrowingTaskGroup(of: Int?.self) { group in
                for index in 0..<120 {
                    group.addTask {
                        do {
                            try await store.database.write { database in
                                try await database.raw(
                                    """
                                    INSERT INTO idempotent_requests (request_key, request_fingerprint, created_at)
                                    VALUES (\(bind: "k-\(index)"), 'f', \(bind: Int64(index)))
                                    """
                                ).run()
                                // Every third write fails after writing: thrown, or refused by the database.
                                switch index % 6 {
                                case 0: throw Refused()
                                case 3:
                                    try await database.raw(
                                        """
                                        INSERT INTO idempotent_requests (request_key, request_fingerprint, created_at)
                                        VALUES (\(bind: "k-\(index)"), 'again', 0)
                                        """
                                    ).run()
                                default: break
                                }
                            }
                            return index
                        } catch {
                            return nil
                        }
                    }
                }
                var committed: Set<Int> = []
                for try await index in group { if let index { committed.insert(index) } }
                return committed
            }
            #expect(committed == Set((0..<120).filter { $0 % 3 != 0 }))
            let stored = try await store.database.read { database in
                try await database.raw("SELECT request_key FROM idempotent_requests WHERE request_key LIKE 'k-%'")
                    .all().map { try $0.decode(column: "request_key", as: String.self) }
            }
            #expect(Set(stored) == Set(committed.map { "k-\($0)" }), "a failed write leaves nothing behind")
        }
    }

    /// A task cancelled while its writes are committed (a client gone, a service shutting down) must leave the
    /// database taking writes: each of its writes commits whole or not at all, and the next writer goes on.
    @Test(arguments: TestDatabase.engines)
    func aCancelledWriterLeavesTheDatabaseTakingWrites(engine: DatabaseEngine) async throws {
        try await TestDatabase.withStore(engine) { store in
            for round in 0..<5 {
                let writer = Task {
                    for index in 0..<10_000 {
                        try Task.checkCancellation()
                        try await store.database.write { database in
                            try await database.raw(
                                """
                                INSERT INTO idempotent_requests (request_key, request_fingerprint, created_at)
                                VALUES (\(bind: "c-\(round)-\(index)"), 'f', 0)
                                """
                            ).run()
                        }
                    }
                }
                try await Task.sleep(for: .milliseconds(5 + round * 7))
                writer.cancel()
                _ = try? await writer.value
                try await store.database.write { database in
                    try await database.raw(
                        """
                        INSERT INTO idempotent_requests (request_key, request_fingerprint, created_at)
                        VALUES (\(bind: "after-\(round)"), 'f', 0)
                        """
                    ).run()
                }
            }
            let after = try await store.database.read { database in
                try await database.raw("SELECT COUNT(*) AS n FROM idempotent_requests WHERE request_key LIKE 'after-%'")
                    .first()?.decode(column: "n", as: Int.self)
            }
            #expect(after == 5)
        }
    }

    @Test(arguments: TestDatabase.engines)
    func aWriteReadsBackWhatItWroteWithEveryKindOfValue(engine: DatabaseEngine) async throws {
        try await TestDatabase.withStore(engine) { store in
            let row = try await store.database.write { database in
                try await database.raw(
                    """
                    INSERT INTO idempotent_requests (request_key, request_fingerprint, result, created_at)
                    VALUES (\(bind: "键-1"), \(bind: "拿铁 大杯 ☕"), NULL, \(bind: Int64.max))
                    """
                ).run()
                return try await database.raw(
                    """
                    SELECT request_key, request_fingerprint, result, created_at, 0.25 AS share
                    FROM idempotent_requests WHERE request_key = \(bind: "键-1")
                    """
                ).first()
            }
            let found = try #require(row)
            #expect(try found.decode(column: "request_fingerprint", as: String.self) == "拿铁 大杯 ☕")
            #expect(try found.decodeNil(column: "result"))
            #expect(try found.decode(column: "result", as: String?.self) == nil)
            #expect(try found.decode(column: "created_at", as: Int64.self) == Int64.max)
            #expect(try found.decode(column: "share", as: Double.self) == 0.25)
            #expect(throws: (any Error).self) { try found.decode(column: "missing", as: String.self) }
        }
    }
}
