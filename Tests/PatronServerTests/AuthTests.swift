import Hummingbird
import HummingbirdTesting
import PatronCore
import PatronStore
import PatronTestSupport
import Testing

@Suite struct AuthTests {
    @Test(arguments: TestDatabase.engines)
    func keysAreCheckedAndScopesEnforced(engine: DatabaseEngine) async throws {
        try await TestApplication.run(engine) { app in
            let anonymous = try await app.request(.get, "/v1/members", anonymous: true)
            #expect(anonymous.status == .unauthorized)
            #expect(anonymous.isProblem)
            #expect(anonymous.headers[.wwwAuthenticate] == "Bearer")
            #expect(try await app.request(.get, "/v1/members", key: "ptn_wrong").status == .unauthorized)

            let (readerKey, reader) = try await app.store.createAPIKey(name: "reader", scopes: [.membersRead])
            #expect(try await app.request(.get, "/v1/members", key: reader).status == .ok)
            let forbidden = try await app.request(.post, "/v1/orders", json: exampleOrder, key: reader)
            #expect(forbidden.status == .forbidden)
            #expect(forbidden.json["detail"]?.string?.contains("orders:write") == true)
            #expect(try await app.rowCount("orders") == 0)

            #expect(try await app.store.revokeAPIKey(id: readerKey.id))
            // Keys are cached for five seconds, so a revoked key stops working within that time.
            var refused = false
            for _ in 0..<70 where !refused {
                refused = try await app.request(.get, "/v1/members", key: reader).status == .unauthorized
                if !refused { try await Task.sleep(for: .milliseconds(100)) }
            }
            #expect(refused, "the revoked key was still accepted after seven seconds")
            #expect(try await app.request(.get, "/health", anonymous: true).status == .ok)
        }
    }
}
