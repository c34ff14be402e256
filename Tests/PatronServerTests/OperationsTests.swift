import Foundation
import Hummingbird
import HummingbirdTesting
import PatronCore
import PatronServer
import PatronStore
import PatronTestSupport
import Testing

@testable import PatronServer

@Suite struct OperationsTests {
    @Test(arguments: TestDatabase.engines)
    func healthReadinessAndMetricsAnswer(engine: DatabaseEngine) async throws {
        try await TestApplication.run(engine) { app in
            #expect(try await app.request(.get, "/health", anonymous: true).json == ["status": "ok"])
            #expect(try await app.request(.get, "/ready", anonymous: true).json == ["status": "ready"])
            try await app.request(.post, "/v1/orders", json: exampleOrder)
            try await app.request(.post, "/v1/orders", json: exampleOrder)
            let metrics = try await app.request(.get, "/metrics", anonymous: true).text
            #expect(metrics.contains(#"patron_orders_ingested_total{outcome="created"} 1"#))
            #expect(metrics.contains(#"patron_orders_ingested_total{outcome="replayed"} 1"#))
            #expect(metrics.contains(#"patron_http_requests_total{method="POST",route="/v1/orders",status="201"} 1"#))
            #expect(metrics.contains(#"patron_http_request_duration_seconds_bucket{method="POST",route="/v1/orders""#))
        }
    }

    /// Every route the router serves is described in /openapi.json, with the same method.
    @Test func everyRouteIsInTheOpenAPIDocument() async throws {
        let router = try buildRouter(
            store: try await Self.unusedStore(), metrics: ServerMetrics(), publicURL: "http://127.0.0.1:8080",
            limiter: RateLimiter(limits: .standard), webhookTargets: WebhookTargets(allowsPrivateAddresses: false))
        let document = try JSONDecoder().decode(JSONValue.self, from: try OpenAPIDocument.encoded())
        #expect(document["openapi"] == "3.1.0")
        guard case .object(let paths)? = document["paths"] else {
            Issue.record("the document has no paths")
            return
        }
        var described = Set<String>()
        for (path, item) in paths {
            guard case .object(let operations) = item else { continue }
            for method in operations.keys { described.insert("\(method.uppercased()) \(path)") }
        }
        // Pages for browsers (the dashboard, a set-up link's page) are not part of the API, which is everything
        // under /v1 and the service's own endpoints.
        let service = ["/health", "/ready", "/metrics", "/openapi.json"]
        let served = Set(
            router.routes.filter { $0.path.description.hasPrefix("/v1/") || service.contains($0.path.description) }
                .map { route in
                    let path = route.path.description.split(separator: "/").map { component in
                        component.hasPrefix(":") ? "{\(component.dropFirst())}" : String(component)
                    }
                    return "\(route.method.rawValue) /\(path.joined(separator: "/"))"
                })
        #expect(served.count >= 12)
        #expect(served.subtracting(described).isEmpty, "undocumented routes: \(served.subtracting(described).sorted())")
        #expect(
            described.subtracting(served).isEmpty,
            "documented but not served: \(described.subtracting(served).sorted())")
    }

    /// A store is needed to build the router, but this test never touches it.
    static func unusedStore() async throws -> Store {
        let database = try await DatabaseFactory.open(.sqlite(path: ":memory:"), logger: TestDatabase.logger)
        await database.close()
        return Store(
            database: database,
            protector: DataProtector(dataKey: try DataKey.parse(TestDatabase.makeDataKey(), source: "test")))
    }
}
