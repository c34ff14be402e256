import Foundation
import PatronCore
import PatronStore
import PatronTestSupport
import SQLKit
import Testing

/// `patron import points` as an operator runs it: a file with good and bad rows, then the same file again.
@Suite struct ImportCommandTests {
    static let csv = #"""
        external_id,points,reason,grant_id,expires_at
        u-1,500,opening balance,g-1,
        u-2,300,"welcome back, ""friend""",g-2,2030-01-01T00:00:00Z
        ,10,no member,g-3,
        u-3,0,nothing,g-4,
        u-3,12.5,half,g-5,
        u-1,-200,correction,g-6,
        u-4,-5,too much,g-7,
        u-2,40,late,g-8,next year
        u-1, 25 ,bonus,g-9,

        """#

    @Test(arguments: TestDatabase.engines)
    func badRowsAreReportedByLineTheRestApplyAndNothingIsGrantedTwice(engine: DatabaseEngine) async throws {
        try await TestDatabase.withURL(engine) { url in
            let key = TestDatabase.makeDataKey()
            let environment = ["PATRON_DATA_KEY": key]
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("import-\(UUID())")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: directory) }
            let file = directory.appendingPathComponent("grants.csv")
            try Self.csv.write(to: file, atomically: true, encoding: .utf8)
            let report = directory.appendingPathComponent("refused.txt")
            let arguments = [
                "import", "points", file.path, "--errors", report.path, "--database-url", url.argument,
            ]
            _ = try await ServerProcess.run(["migrate", "--database-url", url.argument], environment: environment)

            let first = try await PatronCommand.run(arguments, environment: environment)
            #expect(first.status == 2, "some rows were refused: \(first.errors)")
            #expect(first.output == "Granted 4 rows; 0 already imported; 5 refused.\n")
            #expect(
                try String(contentsOf: report, encoding: .utf8).split(separator: "\n") == [
                    "line 4: external_id is missing",
                    "line 5: points must be a whole number other than 0 (at most 1,000,000,000)",
                    "line 6: points must be a whole number other than 0 (at most 1,000,000,000)",
                    "line 8: only 0 points available",
                    "line 9: expires_at must be RFC 3339",
                ])

            let again = try await PatronCommand.run(arguments, environment: environment)
            #expect(again.status == 2)
            #expect(again.output == "Granted 0 rows; 4 already imported; 5 refused.\n")

            let database = try await DatabaseFactory.open(url, logger: TestDatabase.logger)
            let store = Store(
                database: database, protector: DataProtector(dataKey: try DataKey.parse(key, source: "test")))
            try await database.withRunning { _ in
                let now = WallClock.system.now
                let first = try #require(try await store.member(externalID: "u-1"))
                #expect(try await store.pointsSummary(memberID: first.id, at: now)?.balance.available == 325)
                let second = try #require(try await store.member(externalID: "u-2"))
                let lot = try #require(
                    try await database.read {
                        try await $0.raw(
                            "SELECT expires_at FROM point_lots WHERE member_id = \(bind: second.id)"
                        ).first()
                    })
                #expect(
                    try lot.decode(column: "expires_at", as: Int64.self)
                        == Timestamp(rfc3339: "2030-01-01T00:00:00Z")?.millisecondsSinceEpoch)
                let reason = try await database.read {
                    try await $0.raw("SELECT reason FROM point_entries WHERE member_id = \(bind: second.id)").first()
                }
                #expect(try reason?.decode(column: "reason", as: String.self) == "welcome back, \"friend\"")
            }
        }
    }

    /// A file as Excel saves it (a byte-order mark and CRLF line ends) whose quoted fields hold commas,
    /// quotes and line breaks: every field arrives whole, without a trailing `\r`, and refused rows are
    /// reported at the line they start on.
    static let excelCSV =
        "\u{FEFF}external_id,points,reason,grant_id\r\n"
        + "m1,10,\"welcome\nback\",g-1\r\n"
        + "m2,5,\"comma, and \"\"quote\"\"\",g-2\r\n"
        + "m3,abc,bad,g-3\r\n"
        + "m4,7,\"two\r\nlines\",\r\n"
        + "m5,0,zero,g-5\r\n"
        + "m6,\"3\"x,bad quote,g-6\r\n"
        + "m7,8,last,g-7\r\n"

    @Test(arguments: TestDatabase.engines)
    func quotedLineBreaksByteOrderMarksAndCRLFAreReadAsRFC4180(engine: DatabaseEngine) async throws {
        try await TestDatabase.withURL(engine) { url in
            let key = TestDatabase.makeDataKey()
            let environment = ["PATRON_DATA_KEY": key]
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("import-\(UUID())")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: directory) }
            let file = directory.appendingPathComponent("excel.csv")
            try Data(Self.excelCSV.utf8).write(to: file)
            let report = directory.appendingPathComponent("refused.txt")
            let arguments = [
                "import", "points", file.path, "--errors", report.path, "--database-url", url.argument,
            ]
            _ = try await ServerProcess.run(["migrate", "--database-url", url.argument], environment: environment)

            let first = try await PatronCommand.run(arguments, environment: environment)
            #expect(first.status == 2, "some rows were refused: \(first.errors)")
            #expect(first.output == "Granted 4 rows; 0 already imported; 3 refused.\n")
            #expect(
                try String(contentsOf: report, encoding: .utf8).split(separator: "\n") == [
                    "line 5: points must be a whole number other than 0 (at most 1,000,000,000)",
                    "line 8: points must be a whole number other than 0 (at most 1,000,000,000)",
                    "line 9: a closing quote must be followed by a comma or the end of the line",
                ])
            let again = try await PatronCommand.run(arguments, environment: environment)
            #expect(again.output == "Granted 0 rows; 4 already imported; 3 refused.\n")

            let database = try await DatabaseFactory.open(url, logger: TestDatabase.logger)
            try await database.withRunning { _ in
                let rows = try await database.read {
                    try await $0.raw(
                        """
                        SELECT m.external_id, e.points, e.reason FROM point_entries e
                        JOIN members m ON m.id = e.member_id ORDER BY m.external_id
                        """
                    ).all()
                }
                let entries = try rows.map {
                    "\(try $0.decode(column: "external_id", as: String.self)) "
                        + "\(try $0.decode(column: "points", as: Int64.self)) "
                        + (try $0.decode(column: "reason", as: String.self))
                }
                #expect(
                    entries == [
                        "m1 10 welcome\nback", "m2 5 comma, and \"quote\"", "m4 7 two\r\nlines", "m7 8 last",
                    ])
                // A row without a grant id is keyed by the line it starts on.
                let keys = try await database.read {
                    try await $0.raw(
                        "SELECT request_key FROM idempotent_requests WHERE request_key LIKE 'import:%' ORDER BY request_key"
                    ).all().map { try $0.decode(column: "request_key", as: String.self) }
                }
                #expect(keys == ["import:excel.csv:6", "import:g-1", "import:g-2", "import:g-7"])
            }
        }
    }
}
