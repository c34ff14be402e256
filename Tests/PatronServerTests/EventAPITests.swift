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

    /// An email or phone identifies one member: `identify` cannot take another member's, and says so — a
    /// 409 problem for one event (nothing written, as for `POST /v1/members`), a refused result for that
    /// event in a batch (the others apply).
    @Test(arguments: TestDatabase.engines)
    func identifyWithAnotherMembersEmailOrPhoneIsRefusedAndSaysSo(engine: DatabaseEngine) async throws {
        try await TestApplication.run(engine) { app in
            let owner = try await app.request(
                .post, "/v1/members",
                json: ["external_id": "owner", "email": "taken@example.com", "phone": "13900139001"])
            #expect(owner.status == .created)
            let ownerID = try #require(owner.json["member_id"]?.string)
            let conflict = try await app.request(
                .post, "/v1/members", json: ["external_id": "someone", "email": "taken@example.com"])
            #expect(conflict.status == .conflict, "the behaviour identify matches")

            let single = try await app.request(
                .post, "/v1/events",
                json: [
                    "type": "identify", "user_id": "u-other", "message_id": "c-1",
                    "traits": ["email": "Taken@Example.com", "name": "Other"],
                ])
            #expect(single.status == .conflict, "\(single.text)")
            #expect(single.isProblem)
            #expect(single.json["detail"]?.string?.contains(ownerID) == true, "\(single.text)")
            #expect(try await app.store.member(externalID: "u-other") == nil, "a refused event writes nothing")
            #expect(try await app.rowCount("events") == 0)

            let batch: [JSONValue] = [
                [
                    "type": "identify", "user_id": "u-other", "message_id": "c-2",
                    "traits": ["phone": "13900139001", "name": "Other"],
                ],
                [
                    "type": "identify", "user_id": "u-free", "message_id": "c-3",
                    "traits": ["email": "free@example.com"],
                ],
                ["type": "track", "user_id": "u-other", "event": "viewed", "message_id": "c-4"],
            ]
            let answer = try await app.request(.post, "/v1/events/batch", json: ["batch": .array(batch)])
            #expect(answer.status == .ok, "\(answer.text)")
            #expect(answer.json["accepted"]?.integer == 2)
            #expect(answer.json["refused"]?.integer == 1)
            let results = answer.json["results"]?.array ?? []
            #expect(results.map { $0["status"]?.string } == ["refused", "accepted", "accepted"])
            let errors = results.first?["errors"]?.array ?? []
            #expect(errors.compactMap { $0["pointer"]?.string } == ["/batch/0/traits/phone"], "\(answer.text)")
            #expect(errors.first?["detail"]?.string?.contains(ownerID) == true)
            #expect(try await app.store.member(externalID: "u-other")?.name == nil, "the refused event changed nothing")
            #expect(try await app.store.member(externalID: "u-free")?.email == "free@example.com")
            #expect(try await app.store.member(externalID: "owner")?.phone == "+8613900139001")
            #expect(try await app.rowCount("events") == 2)

            // The refused message id was not taken: sent again without the phone, it is accepted.
            let retried = try await app.request(
                .post, "/v1/events",
                json: ["type": "identify", "user_id": "u-other", "message_id": "c-2", "traits": ["name": "Other"]])
            #expect(retried.status == .accepted)
        }
    }
}
