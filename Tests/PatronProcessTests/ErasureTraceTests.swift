import AsyncHTTPClient
import Foundation
import NIOHTTP1
import PatronStore
import PatronTestSupport
import SQLKit
import Testing

/// A member whose email, phone and name were sent in every way Patron takes them (profile, order, identify
/// event, look-ups) is erased; then every file of the database (and its write-ahead log) and the server's log
/// are searched, as raw bytes, for those values: nothing. The order id, which stays, is found, so the search
/// does see what the database holds.
@Suite struct ErasureTraceTests {
    @Test(arguments: TestDatabase.engines)
    func anErasedMemberLeavesNoTraceInTheDatabaseFilesOrTheLog(engine: DatabaseEngine) async throws {
        try await TestDatabase.withURL(engine) { url in
            let environment = ["PATRON_DATA_KEY": TestDatabase.makeDataKey()]
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("erasure-\(UUID())")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: directory) }
            let log = directory.appendingPathComponent("serve.log").path
            let server = try await ServerProcess.start(
                databaseURL: url.argument, environment: environment, client: .shared,
                arguments: ["--log-level", "trace", "--job-interval", "0"], output: log)
            let adminKey = try #require(
                try String(contentsOfFile: log, encoding: .utf8).split(separator: "\n")
                    .map { $0.trimmingCharacters(in: .whitespaces) }.first { $0.hasPrefix("ptn_") })
            let unique = String(UInt32.random(in: 10_000_000...99_999_999))
            let email = "erase.me.\(unique)@example.cn"
            let phone = "139\(unique)"
            let name = "抹去\(unique)"
            let orderID = "ORDER-KEPT-\(unique)"

            let member = try await server.send(
                .POST, "/v1/members",
                body: ["external_id": "u-\(unique)", "email": email, "phone": phone, "name": name], key: adminKey,
                client: .shared)
            let memberID = try #require(member.json["member_id"] as? String)
            let order: [String: Any] = [
                "order_id": orderID, "member": ["external_id": "u-\(unique)", "email": email, "name": name],
                "occurred_at": "2026-11-01T10:00:00Z", "currency": "CNY", "channel": "store",
                "lines": [["sku": "BEANS", "quantity": 1, "unit_price_minor": 6400]], "total_minor": 6400,
            ]
            #expect(
                try await server.send(.POST, "/v1/orders", body: order, key: adminKey, client: .shared).status == 201)
            let identify: [String: Any] = [
                "type": "identify", "user_id": "u-\(unique)", "traits": ["name": name, "email": email, "phone": phone],
            ]
            #expect(
                try await server.send(.POST, "/v1/events", body: identify, key: adminKey, client: .shared).status == 202
            )
            let said = "反馈\(unique)：店员很热情"
            let feedback: [String: Any] = [
                "feedback_id": "FB-\(unique)", "channel": "wechat", "member_id": memberID, "rating": 5, "text": said,
                "contact": ["phone": phone],
            ]
            #expect(
                try await server.send(.POST, "/v1/feedback", body: feedback, key: adminKey, client: .shared).status
                    == 201)
            _ = try await server.send(.GET, "/v1/feedback/FB-\(unique)", key: adminKey, client: .shared)
            _ = try await server.send(.GET, "/v1/members?email=\(email)", key: adminKey, client: .shared)
            _ = try await server.send(.GET, "/v1/members?phone=\(phone)", key: adminKey, client: .shared)
            let erased = try await server.send(
                .POST, "/v1/members/\(memberID)/erasure", body: [:], key: adminKey, client: .shared)
            #expect(erased.status == 201)
            #expect(try await server.terminate() == 0)

            var files = [log, log + ".errors"]
            switch url {
            case .sqlite(let path):
                files += [path, path + "-wal", path + "-shm"]
            case .postgres:
                files += try await Self.postgresFiles(url)
            }
            let contents = files.compactMap { FileManager.default.contents(atPath: $0) }
            #expect(contents.count >= 3, "the database's files could not be read: \(files)")
            let found = { (text: String) in contents.contains { $0.range(of: Data(text.utf8)) != nil } }
            #expect(found(orderID), "the search did not see the database's data")
            for secret in [email, phone, "+86" + phone, name, said] {
                #expect(!found(secret), "\(secret) is still in a file")
            }
        }
    }

    /// The database's own files and the server's write-ahead log, after a checkpoint has written everything out.
    static func postgresFiles(_ url: DatabaseURL) async throws -> [String] {
        let database = try await DatabaseFactory.open(url, logger: TestDatabase.logger)
        return try await database.withRunning { database in
            try await database.write { try await $0.raw("CHECKPOINT").run() }
            let row = try await database.read {
                try await $0.raw(
                    """
                    SELECT current_setting('data_directory') AS directory, d.oid::text AS oid
                    FROM pg_database d WHERE d.datname = current_database()
                    """
                ).first()
            }
            let root = try #require(try row?.decode(column: "directory", as: String.self))
            let oid = try #require(try row?.decode(column: "oid", as: String.self))
            var files: [String] = []
            for folder in ["\(root)/base/\(oid)", "\(root)/pg_wal"] {
                let names = try FileManager.default.contentsOfDirectory(atPath: folder)
                files += names.map { "\(folder)/\($0)" }.filter { !$0.hasSuffix("archive_status") }
            }
            return files
        }
    }
}
