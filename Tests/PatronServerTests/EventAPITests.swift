import Hummingbird
import HummingbirdTesting
import PatronCore
import PatronStore
import PatronTestSupport
import Testing

@Suite struct EventAPITests {
    @Test(arguments: TestDatabase.engines)
    func identifyUpdatesTheProfileAndRepeatsAreIgnored(engine: DatabaseEngine) async throws {
        try await TestApplication.run(engine) { app in
            let identify: JSONValue = [
                "type": "identify", "user_id": "u-9", "message_id": "m-1", "timestamp": "2026-11-02T09:00:00Z",
                "traits": ["email": "Mei@Example.com", "name": "韩梅梅", "birthday": "1992-03-04"],
            ]
            let first = try await app.request(.post, "/v1/events", json: identify)
            #expect(first.status == .accepted)
            #expect(first.json["status"]?.string == "accepted")
            let member = try #require(try await app.store.member(externalID: "u-9"))
            #expect(member.email == "mei@example.com")
            #expect(member.name == "韩梅梅")

            // The same message again, with other traits: ignored entirely.
            let traits: JSONValue = ["name": "Someone Else"]
            let repeated = try await app.request(.post, "/v1/events", json: identify.setting("traits", traits))
            #expect(repeated.status == .ok)
            #expect(repeated.json["status"]?.string == "duplicate")
            #expect(try await app.store.member(externalID: "u-9")?.name == "韩梅梅")

            let track: JSONValue = [
                "type": "track", "user_id": "u-9", "event": "review_written", "properties": ["stars": 5],
                "message_id": "m-2",
            ]
            #expect(try await app.request(.post, "/v1/events", json: track).status == .accepted)
            #expect(
                try await app.request(
                    .post, "/v1/events", json: ["type": "track", "anonymous_id": "a-1", "event": "viewed"]
                ).status == .accepted)
            #expect(try await app.store.eventCount(memberID: member.id) == 2)
            #expect(try await app.rowCount("events") == 3)
        }
    }

    @Test(arguments: TestDatabase.engines)
    func batchesAreStoredWholeOrNotAtAll(engine: DatabaseEngine) async throws {
        try await TestApplication.run(engine) { app in
            let events: [JSONValue] = (0..<500).map { index in
                [
                    "type": "track", "user_id": .string("u-\(index % 20)"), "event": "checked_in",
                    "message_id": .string("b-\(index)"),
                ]
            }
            let stored = try await app.request(.post, "/v1/events/batch", json: ["batch": .array(events)])
            #expect(stored.status == .ok)
            #expect(stored.json["accepted"]?.number == 500)
            let again = try await app.request(
                .post, "/v1/events/batch", json: ["batch": .array(Array(events.prefix(10)))])
            #expect(again.json["duplicates"]?.number == 10)
            #expect(try await app.rowCount("events") == 500)
            #expect(try await app.rowCount("members") == 20)

            let tooMany = try await app.request(
                .post, "/v1/events/batch", json: ["batch": .array(events + [events[0]])])
            #expect(tooMany.status == .unprocessableContent)

            var mixed: [JSONValue] = (0..<5).map {
                ["type": "track", "user_id": "u-new", "event": "shared", "message_id": .string("c-\($0)")]
            }
            mixed[3] = ["type": "track", "user_id": "u-new"]
            let invalid = try await app.request(.post, "/v1/events/batch", json: ["batch": .array(mixed)])
            #expect(invalid.status == .unprocessableContent)
            #expect(invalid.errorPointers == ["/batch/3/event"])
            #expect(try await app.rowCount("events") == 500)
            #expect(try await app.store.member(externalID: "u-new") == nil)
        }
    }

    @Test(arguments: TestDatabase.engines)
    func oversizeEventsAreRefused(engine: DatabaseEngine) async throws {
        try await TestApplication.run(engine) { app in
            let large: JSONValue = [
                "type": "track", "user_id": "u-1", "event": "viewed",
                "properties": ["blob": .string(String(repeating: "x", count: 33 * 1024))],
            ]
            let single = try await app.request(.post, "/v1/events", json: large)
            #expect(single.status == .contentTooLarge)
            #expect(single.isProblem)
            let inBatch = try await app.request(.post, "/v1/events/batch", json: ["batch": [large]])
            #expect(inBatch.status == .unprocessableContent)
            #expect(inBatch.errorPointers == ["/batch/0"])
            let hugeBatch = try await app.request(
                .post, "/v1/events/batch",
                json: [
                    "batch": .array(
                        Array(
                            repeating: large.setting(
                                "properties", ["blob": .string(String(repeating: "y", count: 30 * 1024))]), count: 20))
                ])
            #expect(hugeBatch.status == .contentTooLarge)
            #expect(try await app.rowCount("events") == 0)
        }
    }
}
