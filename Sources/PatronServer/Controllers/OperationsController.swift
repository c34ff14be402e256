import Foundation
import Hummingbird
import PatronStore

/// Liveness, readiness, metrics and the API description; none needs a key.
struct OperationsController {
    let store: Store
    let metrics: ServerMetrics
    /// The encoded OpenAPI document.
    let document: Data

    func addRoutes(to router: Router<PatronRequestContext>) {
        router.get("health") { _, _ in try JSONBody.response(["status": "ok"]) }
        router.get("ready") { _, _ in
            guard await store.isReachable() else {
                throw Problem(status: .serviceUnavailable, title: "Not Ready", detail: "the database is not reachable")
            }
            return try JSONBody.response(["status": "ready"])
        }
        router.get("metrics") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(string: metrics.exposition())))
        }
        router.get("openapi.json") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "application/json"],
                body: .init(byteBuffer: ByteBuffer(bytes: document)))
        }
    }
}
