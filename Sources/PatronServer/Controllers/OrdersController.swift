import Hummingbird
import PatronCore
import PatronStore

/// `/v1/orders`: ingest purchases (idempotent on `order_id`) and read them back.
struct OrdersController {
    let store: Store
    let metrics: ServerMetrics

    func addRoutes(to group: RouterGroup<PatronRequestContext>) {
        group.post("orders", use: create)
        group.get("orders/{order_id}", use: show)
    }

    /// 201 with the order the first time; 200 with the same body for a replay of the same order.
    @Sendable func create(_ request: Request, context: PatronRequestContext) async throws -> Response {
        try context.require(.ordersWrite)
        let (body, _) = try await JSONBody.read(request, context: context)
        let submission = try OrderSubmission.parse(body, receivedAt: store.clock.now)
        try context.requireStore(submission.storeID)
        let recording = try await store.recordOrder(
            submission, fingerprint: Fingerprint.of(body), actor: context.actorID ?? "unknown")
        metrics.recordOrder(isReplay: recording.isReplay)
        let awards = try await store.awards(source: "order", sourceID: recording.order.orderID)
        return try JSONBody.response(
            OrderResource(order: recording.order, awards: awards), status: recording.isReplay ? .ok : .created)
    }

    @Sendable func show(_ request: Request, context: PatronRequestContext) async throws -> Response {
        try context.require(.ordersRead)
        let orderID = try context.parameters.require("order_id")
        guard let order = try await store.order(id: orderID) else {
            throw Problem.notFound("no order with id '\(orderID)'")
        }
        let awards = try await store.awards(source: "order", sourceID: orderID)
        return try JSONBody.response(OrderResource(order: order, awards: awards))
    }
}
