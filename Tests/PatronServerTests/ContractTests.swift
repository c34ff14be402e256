import Foundation
import Hummingbird
import HummingbirdTesting
import OpenAPIKit
import PatronCore
import PatronStore
import PatronTestSupport
import Testing

@testable import PatronServer

/// What the schema-driven fuzzer (scripts/contract-check.sh) found, kept as examples: the server answers
/// as /openapi.json says.
@Suite struct ContractTests {
    /// Every reference resolves and every operation is well formed, by OpenAPIKit's own validator.
    @Test func theDocumentIsValid() throws {
        let warnings = try OpenAPIDocument.document.validate()
        #expect(warnings.isEmpty, "\(warnings)")
        let document = try JSONDecoder().decode(JSONValue.self, from: try OpenAPIDocument.encoded())
        let deleteRule = document["paths"]?["/v1/rules/{rule_id}"]?["delete"]?["responses"]
        #expect(deleteRule?["204"]?["description"] != nil)
        #expect(deleteRule?["204"]?["content"] == nil, "a 204 has no body")
        #expect(document["components"]?["schemas"]?["Member"]?["additionalProperties"] == false)
    }

    /// A method a described path does not serve is 405 with Allow; an encoded NUL is 400.
    @Test(arguments: TestDatabase.engines)
    func targetsNoRouteServesAreRefusedFirst(engine: DatabaseEngine) async throws {
        try await TestApplication.run(engine) { app in
            let members = try await app.request(.delete, "/v1/members", anonymous: true)
            #expect(members.status == .methodNotAllowed)
            #expect(members.isProblem)
            #expect(
                Set(
                    (members.headers[.allow] ?? "").split(separator: ",").map {
                        $0.trimmingCharacters(in: .whitespaces)
                    }) == ["GET", "POST"])
            let simulate = try await app.request(.get, "/v1/rules/simulate")
            #expect(simulate.status == .methodNotAllowed)
            #expect(simulate.headers[.allow] == "POST")
            let rule = try await app.request(.post, "/v1/rules/base")
            #expect(rule.status == .methodNotAllowed)
            #expect(try await app.request(.get, "/v1/nothing-here").status == .notFound)
            let nul = try await app.request(.get, "/v1/members/m%00")
            #expect(nul.status == .badRequest)
            #expect(nul.isProblem)
        }
    }
}
