import Foundation
import PatronCore
import PatronStore
import PatronTestSupport
import SQLKit
import Testing

/// Events carry personal data (identify traits; whatever properties and context hold): the database keeps
/// them sealed like profile fields, never in the clear.
@Suite struct EventPrivacyTests {
    static let secrets = [
        "pii@example.com", "13900139000", "Wang Fang", "1990-05-01", "88 Nanjing Road", "203.0.113.9",
    ]

    static let events: [JSONValue] = [
        [
            "type": "identify", "user_id": "u-pii", "message_id": "e-1",
            "traits": [
                "email": "pii@example.com", "phone": "13900139000", "name": "Wang Fang", "birthday": "1990-05-01",
            ],
            "context": ["ip": "203.0.113.9"],
        ],
        [
            "type": "track", "user_id": "u-pii", "event": "order_shipped", "message_id": "e-2",
            "properties": ["shipping_address": "88 Nanjing Road", "items": 2],
        ],
    ]

    @Test(arguments: TestDatabase.engines)
    func eventPayloadsAreNotStoredInTheClear(engine: DatabaseEngine) async throws {
        try await TestDatabase.withURL(engine) { url in
            let database = try await DatabaseFactory.open(url, logger: TestDatabase.logger)
            let store = Store(
                database: database,
                protector: DataProtector(dataKey: try DataKey.parse(TestDatabase.makeDataKey(), source: "test")))
            try await database.withRunning { database in
                try await Migrations.migrate(database)
                _ = try await store.recordEvents(
                    try Self.events.map { try EventSubmission.parse($0, receivedAt: WallClock.system.now) })
                #expect(try await store.member(externalID: "u-pii")?.name == "Wang Fang", "identify applied")

                let columns = try await database.read {
                    try await $0.raw("SELECT message_id, properties, traits, context FROM events ORDER BY message_id")
                        .all().map {
                            [
                                try $0.decode(column: "properties", as: String.self),
                                try $0.decode(column: "traits", as: String.self),
                                try $0.decode(column: "context", as: String.self),
                            ].joined(separator: "|")
                        }
                }
                #expect(columns.count == 2)
                for secret in Self.secrets {
                    #expect(!columns.joined().contains(secret), "\(secret) is stored in the clear in events")
                }
                // Sealed, not lost: the store opens them again.
                let identify = try #require(try await store.event(messageID: "e-1"))
                #expect(identify.traits["name"] == .string("Wang Fang"))
                #expect(identify.traits["birthday"] == .string("1990-05-01"))
                #expect(identify.context["ip"] == .string("203.0.113.9"))
                #expect(identify.properties.isEmpty)
                let track = try #require(try await store.event(messageID: "e-2"))
                #expect(track.properties == ["shipping_address": "88 Nanjing Road", "items": 2])
                #expect(track.event == "order_shipped")
            }
            // SQLite: not in any byte of the database file or its write-ahead log either.
            if case .sqlite(let path) = url {
                var bytes = Data()
                for file in [path, path + "-wal"] {
                    if let data = FileManager.default.contents(atPath: file) { bytes.append(data) }
                }
                #expect(bytes.count > 0)
                #expect(bytes.range(of: Data("u-pii".utf8)) != nil, "the file is readable")
                for secret in Self.secrets {
                    #expect(bytes.range(of: Data(secret.utf8)) == nil, "\(secret) is in the database file")
                }
            }
        }
    }
}
