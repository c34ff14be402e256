import Hummingbird
import HummingbirdTesting
import PatronCore
import PatronStore
import PatronTestSupport
import Testing

@Suite struct MemberAPITests {
    @Test(arguments: TestDatabase.engines)
    func membersAreCreatedOrUpdatedByExternalID(engine: DatabaseEngine) async throws {
        try await TestApplication.run(engine) { app in
            let created = try await app.request(
                .post, "/v1/members",
                json: [
                    "external_id": "u-42", "name": "李雷", "email": " Li.Lei@Example.com ", "phone": "138 0013 8000",
                    "birthday": "1990-05-01", "attributes": ["city": "上海"],
                ])
            #expect(created.status == .created)
            let memberID = try #require(created.json["member_id"]?.string)
            #expect(created.json["email"]?.string == "li.lei@example.com")
            #expect(created.json["phone"]?.string == "+8613800138000")

            let updated = try await app.request(.post, "/v1/members", json: ["external_id": "u-42", "name": "Li Lei"])
            #expect(updated.status == .ok)
            #expect(updated.json["member_id"]?.string == memberID)
            #expect(updated.json["name"]?.string == "Li Lei")
            #expect(updated.json["email"]?.string == "li.lei@example.com")

            let patched = try await app.request(
                .patch, "/v1/members/\(memberID)",
                json: ["email": "lilei@example.org", "attributes": ["city": nil, "tier_hint": "gold"]])
            #expect(patched.status == .ok)
            #expect(patched.json["email"]?.string == "lilei@example.org")
            #expect(patched.json["attributes"] == ["tier_hint": "gold"])

            let fetched = try await app.request(.get, "/v1/members/\(memberID)")
            #expect(fetched.json == patched.json)
            #expect(try await app.request(.get, "/v1/members/mem_missing").status == .notFound)
            #expect(try await app.request(.patch, "/v1/members/mem_missing", json: ["name": "x"]).status == .notFound)
        }
    }

    @Test(arguments: TestDatabase.engines)
    func membersAreFoundExactlyByIdentity(engine: DatabaseEngine) async throws {
        try await TestApplication.run(engine) { app in
            try await app.request(
                .post, "/v1/members", json: ["external_id": "u-1", "email": "a@example.com", "phone": "13900000001"])
            try await app.request(.post, "/v1/members", json: ["external_id": "u-2", "email": "b@example.com"])
            for query in [
                "external_id=u-1", "email=A%40EXAMPLE.com", "phone=13900000001", "phone=%2B86%20139%200000%200001",
            ] {
                let found = try await app.request(.get, "/v1/members?\(query)")
                #expect(found.json["data"]?.array.count == 1, "\(query)")
                #expect(found.json["data"]?.array.first?["external_id"]?.string == "u-1", "\(query)")
            }
            #expect(try await app.request(.get, "/v1/members?email=c%40example.com").json["data"]?.array.count == 0)
            #expect(try await app.request(.get, "/v1/members?email=nonsense").status == .unprocessableContent)

            let taken = try await app.request(
                .patch, "/v1/members/\(try #require(try await app.store.member(externalID: "u-2")?.id))",
                json: ["email": "a@example.com"])
            #expect(taken.status == .conflict)
            #expect(taken.isProblem)
        }
    }

    @Test(arguments: TestDatabase.engines)
    func membersArePagedWithACursor(engine: DatabaseEngine) async throws {
        try await TestApplication.run(engine) { app in
            for index in 1...7 {
                try await app.request(.post, "/v1/members", json: ["external_id": .string("u-\(index)")])
            }
            var seen: [String] = []
            var cursor: String?
            var pages = 0
            repeat {
                let page = try await app.request(.get, "/v1/members?limit=3" + (cursor.map { "&cursor=\($0)" } ?? ""))
                #expect(page.status == .ok)
                seen += page.json["data"]?.array.compactMap { $0["external_id"]?.string } ?? []
                cursor = page.json["next_cursor"]?.string
                pages += 1
            } while cursor != nil && pages < 10
            #expect(pages == 3)
            #expect(seen == (1...7).map { "u-\($0)" })
            #expect(try await app.request(.get, "/v1/members?limit=501").status == .unprocessableContent)
            #expect(try await app.request(.get, "/v1/members?limit=0").status == .unprocessableContent)
            #expect(try await app.request(.get, "/v1/members?cursor=%25%25").status == .unprocessableContent)
        }
    }

    @Test(arguments: TestDatabase.engines)
    func badMemberInputIsExplained(engine: DatabaseEngine) async throws {
        try await TestApplication.run(engine) { app in
            let invalid = try await app.request(
                .post, "/v1/members",
                json: ["external_id": 42, "email": "x", "birthday": "1990-13-01", "status": "gone"])
            #expect(invalid.status == .unprocessableContent)
            #expect(invalid.errorPointers == ["/external_id", "/email", "/birthday", "/status"])
            #expect(
                try await app.request(.post, "/v1/members", json: ["name": "no id"]).errorPointers == ["/external_id"])
            #expect(try await app.request(.post, "/v1/members", body: "{\"external_id\": ").status == .badRequest)
            #expect(try await app.rowCount("members") == 0)
        }
    }
}
