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
            #expect(try await app.request(.get, "/v1/members", key: reader).status == .unauthorized)
            #expect(try await app.request(.get, "/health", anonymous: true).status == .ok)
        }
    }
}
