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
}
