import Foundation
import PatronCore
import PatronStore
import PatronTestSupport
import Testing

/// `patron privacy` as an operator runs it for a request that came by letter or at a counter.
@Suite struct PrivacyCommandTests {
    @Test(arguments: TestDatabase.engines)
    func anOperatorExportsAndErasesAMemberFromTheConsole(engine: DatabaseEngine) async throws {
        try await TestDatabase.withURL(engine) { url in
            let dataKey = TestDatabase.makeDataKey()
            let environment = ["PATRON_DATA_KEY": dataKey]
            let database = ["--database-url", url.argument]
            let opened = try await DatabaseFactory.open(url, logger: TestDatabase.logger)
            let memberID = try await opened.withRunning { database in
                try await Migrations.migrate(database)
                let store = Store(
                    database: database, protector: DataProtector(dataKey: try DataKey.parse(dataKey, source: "test")))
                return try await store.upsertMember(
                    MemberProfile(externalID: "c-1", name: "李雷", email: EmailAddress("li.lei@example.cn"))
                ).member.id
            }

            let json = try await PatronCommand.run(
                ["privacy", "export", memberID] + database, environment: environment)
            #expect(json.status == 0, "\(json.errors)")
            let document = try JSONSerialization.jsonObject(with: Data(json.output.utf8)) as? [String: Any]
            let tables = document?["tables"] as? [String: Any]
            let member = (tables?["members"] as? [[String: Any]])?.first
            #expect(member?["name"] as? String == "李雷")

            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("privacy-\(UUID())")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: directory) }
            let zipPath = directory.appendingPathComponent("export.zip").path
            let zip = try await PatronCommand.run(
                ["privacy", "export", memberID, "--format", "zip", "--output", zipPath] + database,
                environment: environment)
            #expect(zip.status == 0, "\(zip.errors)")
            #expect(FileManager.default.contents(atPath: zipPath)?.starts(with: [0x50, 0x4b, 0x03, 0x04]) == true)

            let erased = try await PatronCommand.run(
                ["privacy", "erase", memberID] + database, environment: environment)
            #expect(erased.status == 0, "\(erased.errors)")
            #expect(erased.output.hasPrefix("Erased \(memberID)") && erased.output.contains("1 identities"))
            let again = try await PatronCommand.run(
                ["privacy", "erase", memberID] + database, environment: environment)
            #expect(again.status == 0 && again.output.contains("was erased at"), "\(again.output)")

            let listed = try await PatronCommand.run(["privacy", "requests"] + database, environment: environment)
            let kinds = listed.output.split(separator: "\n").dropFirst().map { $0.split(separator: "\t")[1] }
            #expect(kinds == ["erase", "export", "export"])

            let nobody = try await PatronCommand.run(
                ["privacy", "erase", "mem_nobody"] + database, environment: environment)
            #expect(nobody.status != 0)
            #expect(nobody.errors.split(separator: "\n").last == "Error: no member with id 'mem_nobody'")
            let zipToScreen = try await PatronCommand.run(
                ["privacy", "export", memberID, "--format", "zip"] + database, environment: environment)
            #expect(zipToScreen.status != 0)
            #expect(zipToScreen.errors.split(separator: "\n").last == "Error: --format zip needs --output FILE")
        }
    }

    /// The retention policy by hand: a dry run counts, a run anonymises and says so, a bad date is one line.
    @Test(arguments: TestDatabase.engines)
    func retentionRunsFromTheConsoleWithADryRunFirst(engine: DatabaseEngine) async throws {
        try await TestDatabase.withURL(engine) { url in
            let dataKey = TestDatabase.makeDataKey()
            let environment = ["PATRON_DATA_KEY": dataKey]
            let database = ["--database-url", url.argument]
            let opened = try await DatabaseFactory.open(url, logger: TestDatabase.logger)
            let memberID = try await opened.withRunning { database in
                try await Migrations.migrate(database)
                let store = Store(
                    database: database, protector: DataProtector(dataKey: try DataKey.parse(dataKey, source: "test")))
                return try await store.upsertMember(MemberProfile(externalID: "c-quiet", name: "韩梅梅")).member.id
            }
            // Years from now, in the program's zone (+08:00): members are kept three years after their last act.
            let asOf = ["privacy", "retention", "--as-of", "2031-01-01"] + database
            let preview = try await PatronCommand.run(asOf + ["--dry-run"], environment: environment)
            #expect(preview.status == 0, "\(preview.errors)")
            #expect(preview.output.contains("(dry run: nothing changed)"))
            #expect(
                preview.output.contains("members: 1 inactive since 2027-12-31T16:00:00Z would be anonymised"),
                "\(preview.output)")
            let run = try await PatronCommand.run(asOf, environment: environment)
            #expect(run.status == 0, "\(run.errors)")
            #expect(
                run.output.contains("members: 1 inactive since 2027-12-31T16:00:00Z were anonymised"), "\(run.output)")
            #expect(run.output.contains("events: 0 from before 2029-11-30T16:00:00Z were deleted"), "\(run.output)")
            let again = try await PatronCommand.run(asOf, environment: environment)
            #expect(again.output.contains("members: 0 inactive"), "\(again.output)")

            let listed = try await PatronCommand.run(["privacy", "requests"] + database, environment: environment)
            let rows = listed.output.split(separator: "\n").dropFirst().map { $0.split(separator: "\t") }
            #expect(rows.map { [String($0[1]), String($0[2]), String($0[7])] } == [["erase", memberID, "retention"]])

            let bad = try await PatronCommand.run(
                ["privacy", "retention", "--as-of", "next week"] + database, environment: environment)
            #expect(bad.status != 0)
            #expect(
                bad.errors.split(separator: "\n").last
                    == "Error: --as-of must be YYYY-MM-DD or an RFC 3339 instant, not 'next week'")
        }
    }

    @Test(arguments: TestDatabase.engines)
    func existingConsentsAreImportedFromCSVOnceWithBadRowsReportedByLine(engine: DatabaseEngine) async throws {
        try await TestDatabase.withURL(engine) { url in
            let dataKey = TestDatabase.makeDataKey()
            let environment = ["PATRON_DATA_KEY": dataKey]
            let database = ["--database-url", url.argument]
            let opened = try await DatabaseFactory.open(url, logger: TestDatabase.logger)
            let (kept, erased) = try await opened.withRunning { database in
                try await Migrations.migrate(database)
                let store = Store(
                    database: database, protector: DataProtector(dataKey: try DataKey.parse(dataKey, source: "test")))
                let kept = try await store.upsertMember(MemberProfile(externalID: "c-1")).member.id
                let erased = try await store.upsertMember(MemberProfile(externalID: "c-9")).member.id
                _ = try await store.eraseMember(erased, handledBy: "test", at: store.clock.now)
                return (kept, erased)
            }
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("consents-\(UUID())")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: directory) }
            let file = directory.appendingPathComponent("consents.csv").path
            let csv = """
                external_id,purpose,channel,state,given_at,evidence
                c-1,marketing,sms,granted,2026-03-01T09:00:00Z,"paper form, store SH-01"
                c-2,profiling,,granted,,
                c-1,spam,,granted,,
                c-1,marketing,,granted,,
                c-9,marketing,email,granted,,
                c-1,marketing,sms,granted,2099-01-01T00:00:00Z,

                """
            try csv.write(toFile: file, atomically: true, encoding: .utf8)
            let errors = directory.appendingPathComponent("errors.txt").path
            let run = try await PatronCommand.run(
                ["import", "consents", file, "--errors", errors] + database, environment: environment)
            #expect(run.status == 2, "refused rows make the exit non-zero: \(run.errors)")
            #expect(run.output.contains("Recorded 2 statements; 0 already in force; 4 refused."), "\(run.output)")
            let report = try String(contentsOfFile: errors, encoding: .utf8).split(separator: "\n")
            #expect(report.count == 4)
            #expect(report.first?.hasPrefix("line 4: purpose: must be one of marketing") == true, "\(report)")
            #expect(report.contains("line 5: channel: is required for marketing: it is agreed to channel by channel"))
            #expect(report.contains("line 6: member \(erased) was erased"))
            #expect(report.contains("line 7: given_at: must not be in the future"))

            let again = try await PatronCommand.run(
                ["import", "consents", file, "--errors", errors] + database, environment: environment)
            #expect(again.output.contains("Recorded 0 statements; 2 already in force; 4 refused."), "\(again.output)")

            let reopened = try await DatabaseFactory.open(url, logger: TestDatabase.logger)
            try await reopened.withRunning { database in
                let store = Store(
                    database: database, protector: DataProtector(dataKey: try DataKey.parse(dataKey, source: "test")))
                try await store.loadKeys()
                let (current, history) = try await store.consents(of: kept)
                #expect(current.permit(.marketing, channel: .sms))
                #expect(history.first?.record.evidence == "paper form, store SH-01")
                #expect(history.first?.record.source == .import)
                #expect(history.first?.recordedBy == "import consents.csv")
                let created = try #require(try await store.member(externalID: "c-2"))
                #expect(try await store.permits(created.id, .profiling))
            }
        }
    }
}
