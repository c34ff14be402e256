import Foundation
import Hummingbird
import HummingbirdTesting
import PatronCore
import PatronStore
import PatronTestSupport
import Testing

/// The program as a versioned document: every edit is an atomic read-modify-write, and clients get
/// optimistic concurrency through `ETag` and `If-Match`.
@Suite struct ProgramAPITests {
    static func rule(_ index: Int) -> JSONValue {
        ["kind": "amount_bonus", "points": .number(Double(index)), "minimum_minor": 100_000, "priority": 50]
    }

    @Test(arguments: TestDatabase.engines)
    func simultaneousEditsOfDistinctRulesAreAllKept(engine: DatabaseEngine) async throws {
        try await TestApplication.run(engine) { app in
            let before = try await app.request(.get, "/v1/program")
            let startVersion = try #require(before.json["version"]?.integer)
            #expect(before.headers[.eTag] == "\"\(startVersion)\"")

            let answers = try await withThrowingTaskGroup(of: (Int, TestResponse).self) { group in
                for index in 1...50 {
                    group.addTask {
                        (index, try await app.request(.put, "/v1/rules/bonus-\(index)", json: Self.rule(index)))
                    }
                }
                var answers: [(Int, TestResponse)] = []
                for try await answer in group { answers.append(answer) }
                return answers
            }
            #expect(answers.count == 50)
            var versions: Set<Int> = []
            for (index, answer) in answers {
                #expect(answer.status == .created, "rule \(index): \(answer.text)")
                #expect(answer.json["rule"]?["rule_id"]?.string == "bonus-\(index)")
                let version = try #require(answer.json["version"]?.integer, "rule \(index): \(answer.text)")
                #expect(answer.headers[.eTag] == "\"\(version)\"")
                versions.insert(version)
            }
            #expect(versions == Set((startVersion + 1)...(startVersion + 50)), "each edit made its own version")

            let rules = try await app.request(.get, "/v1/rules")
            let ids = Set(rules.json["data"]?.array.compactMap { $0["rule_id"]?.string } ?? [])
            #expect(ids == Set(["base", "tier"] + (1...50).map { "bonus-\($0)" }))
            #expect(rules.json["version"]?.integer == startVersion + 50)
            #expect(rules.headers[.eTag] == "\"\(startVersion + 50)\"")
            let program = try await app.request(.get, "/v1/program")
            #expect(program.json["version"]?.integer == startVersion + 50)
            #expect(program.json["program"]?["rules"]?.array.count == 52)
        }
    }

    @Test(arguments: TestDatabase.engines)
    func simultaneousDeletesAndEditsAreAllKept(engine: DatabaseEngine) async throws {
        try await TestApplication.run(engine) { app in
            for index in 1...10 {
                #expect(
                    try await app.request(.put, "/v1/rules/old-\(index)", json: Self.rule(index)).status == .created)
            }
            let startVersion = try #require(try await app.request(.get, "/v1/rules").json["version"]?.integer)
            let statuses = try await withThrowingTaskGroup(of: (String, HTTPResponse.Status).self) { group in
                for index in 1...10 {
                    group.addTask { ("delete", try await app.request(.delete, "/v1/rules/old-\(index)").status) }
                    group.addTask {
                        ("put", try await app.request(.put, "/v1/rules/new-\(index)", json: Self.rule(index)).status)
                    }
                }
                var statuses: [(String, HTTPResponse.Status)] = []
                for try await status in group { statuses.append(status) }
                return statuses
            }
            #expect(statuses.count == 20)
            #expect(statuses.filter { $0.0 == "delete" }.allSatisfy { $0.1 == .noContent }, "\(statuses)")
            #expect(statuses.filter { $0.0 == "put" }.allSatisfy { $0.1 == .created }, "\(statuses)")
            let rules = try await app.request(.get, "/v1/rules")
            let ids = Set(rules.json["data"]?.array.compactMap { $0["rule_id"]?.string } ?? [])
            #expect(ids == Set(["base", "tier"] + (1...10).map { "new-\($0)" }))
            #expect(rules.json["version"]?.integer == startVersion + 20)
        }
    }

    @Test(arguments: TestDatabase.engines)
    func aStaleIfMatchIsRefusedAndChangesNothing(engine: DatabaseEngine) async throws {
        try await TestApplication.run(engine) { app in
            let first = try await app.request(.get, "/v1/program")
            let stale = try #require(first.headers[.eTag])
            let created = try await app.request(.put, "/v1/rules/bonus-1", json: Self.rule(1), ifMatch: stale)
            #expect(created.status == .created)
            let current = try #require(created.headers[.eTag])
            #expect(current != stale)

            let refused = try await app.request(.put, "/v1/rules/bonus-2", json: Self.rule(2), ifMatch: stale)
            #expect(refused.status == .preconditionFailed)
            #expect(refused.isProblem)
            #expect(refused.json["status"]?.integer == 412)
            let deleteRefused = try await app.request(.delete, "/v1/rules/bonus-1", ifMatch: stale)
            #expect(deleteRefused.status == .preconditionFailed)
            let replaceRefused = try await app.request(
                .put, "/v1/program", json: ["expiring_soon_days": 45], ifMatch: stale)
            #expect(replaceRefused.status == .preconditionFailed)
            #expect(
                try await app.request(.put, "/v1/rules/bonus-1", json: Self.rule(9), ifMatch: "W/\(current)").status
                    == .preconditionFailed, "a weak tag never matches")

            let after = try await app.request(.get, "/v1/program")
            #expect(after.headers[.eTag] == current, "nothing changed")
            let rules = after.json["program"]?["rules"]?.array ?? []
            #expect(rules.compactMap { $0["rule_id"]?.string } == ["base", "tier", "bonus-1"])
            #expect(rules.last?["points"]?.integer == 1)
            #expect(after.json["program"]?["expiring_soon_days"]?.integer == 30)

            let replaced = try await app.request(
                .put, "/v1/program", json: ["expiring_soon_days": 45], ifMatch: current)
            #expect(replaced.status == .ok)
            let replacedTag = try #require(replaced.headers[.eTag])
            #expect(try await app.request(.get, "/v1/rules").headers[.eTag] == replacedTag)
            let deleted = try await app.request(.delete, "/v1/rules/base", ifMatch: "\"0\", \(replacedTag)")
            #expect(deleted.status == .noContent)
            #expect(deleted.headers[.eTag] != nil)
            #expect(try await app.request(.put, "/v1/rules/base", json: Self.rule(3), ifMatch: "*").status == .created)
        }
    }
}

extension TestApplication {
    /// A request with an `If-Match` header.
    func request(
        _ method: HTTPRequest.Method, _ path: String, json: JSONValue? = nil, ifMatch: String
    ) async throws -> TestResponse {
        let headers: HTTPFields = [
            .contentType: "application/json", .authorization: "Bearer \(adminKey)", .ifMatch: ifMatch,
        ]
        let text = try json.map { String(decoding: try JSONEncoder().encode($0), as: UTF8.self) }
        return try await client.execute(
            uri: path, method: method, headers: headers, body: text.map { ByteBuffer(string: $0) })
    }
}
