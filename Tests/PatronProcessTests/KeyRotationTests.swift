import Crypto
import Foundation
import PatronCore
import PatronStore
import PatronTestSupport
import Testing

/// `patron keys rotate-data-key`: every wrapped key moves to the new master key, nothing sealed changes, and each
/// master key reads only the database as it stood under it.
@Suite struct KeyRotationTests {
    /// Opens the database with `masters` (current first) and reads the member and finds them by email.
    static func read(_ url: DatabaseURL, masters: [String], memberID: String) async throws -> (String?, String?) {
        let database = try await DatabaseFactory.open(url, logger: TestDatabase.logger)
        return try await database.withRunning { database in
            let keys = try masters.map { try DataKey.parse($0, source: "test") }
            let store = Store(database: database, protector: DataProtector(masterKeys: keys))
            try await store.loadKeys()
            let member = try await store.member(id: memberID)
            let found = try await store.member(.email, value: "rotate@example.cn")
            return (member?.name, found?.id)
        }
    }

    @Test(arguments: TestDatabase.engines)
    func aRotationMovesEveryKeyToTheNewMasterKey(engine: DatabaseEngine) async throws {
        try await TestDatabase.withURL(engine) { url in
            let (old, new) = (TestDatabase.makeDataKey(), TestDatabase.makeDataKey())
            let database = try await DatabaseFactory.open(url, logger: TestDatabase.logger)
            let memberIDs = try await database.withRunning { database in
                try await Migrations.migrate(database)
                let store = Store(
                    database: database, protector: DataProtector(dataKey: try DataKey.parse(old, source: "test")))
                try await store.loadKeys()
                var memberIDs: [String] = []
                for number in 0..<25 {
                    let profile = MemberProfile(
                        externalID: "r-\(number)", name: "轮换\(number)",
                        email: EmailAddress(number == 0 ? "rotate@example.cn" : "r\(number)@example.cn"))
                    memberIDs.append(try await store.upsertMember(profile).member.id)
                }
                return memberIDs
            }
            let alice = memberIDs[0]
            var before: String?
            if case .sqlite(let path) = url {
                before = path + ".before"
                try FileManager.default.copyItem(atPath: path, toPath: before!)
            }
            #expect(try await Self.read(url, masters: [old], memberID: alice) == ("轮换0", alice))
            await #expect(throws: DataProtectionError.self, "the new key alone opens nothing before the rotation") {
                _ = try await Self.read(url, masters: [new], memberID: alice)
            }

            let environment = ["PATRON_DATA_KEY": new, "PATRON_PREVIOUS_DATA_KEYS": old]
            let arguments = ["keys", "rotate-data-key", "--batch-size", "10", "--database-url", url.argument]
            let rotated = try await PatronCommand.run(arguments, environment: environment)
            #expect(rotated.status == 0, "\(rotated.errors)")
            #expect(rotated.output.contains("Re-wrapped 2 shared and 25 member keys"), "\(rotated.output)")
            let again = try await PatronCommand.run(arguments, environment: environment)
            #expect(again.output.contains("Re-wrapped 0 shared and 0 member keys"), "resumable: \(again.output)")

            // Sealed values and blind indexes are as they were; only the wrapping changed.
            #expect(try await Self.read(url, masters: [new], memberID: alice) == ("轮换0", alice))
            await #expect(throws: DataProtectionError.self, "the old key alone opens nothing after the rotation") {
                _ = try await Self.read(url, masters: [old], memberID: alice)
            }
            let oldOnly = try await PatronCommand.run(
                ["privacy", "requests", "--database-url", url.argument], environment: ["PATRON_DATA_KEY": old])
            #expect(oldOnly.status != 0)
            #expect(oldOnly.errors.contains("neither PATRON_DATA_KEY nor one of PATRON_PREVIOUS_DATA_KEYS"))
            if let before {
                // A copy taken before the rotation still needs the old key: the new one alone cannot read it.
                let copy = DatabaseURL.sqlite(path: before)
                #expect(try await Self.read(copy, masters: [old], memberID: alice) == ("轮换0", alice))
                await #expect(throws: DataProtectionError.self) {
                    _ = try await Self.read(copy, masters: [new], memberID: alice)
                }
            }
        }
    }
}
