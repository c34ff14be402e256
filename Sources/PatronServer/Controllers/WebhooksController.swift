import Hummingbird
import PatronCore
import PatronStore

/// `/v1/webhooks`: the endpoints integrators subscribe with, their secrets, the delivery log and replays.
/// Deliveries themselves are the dispatcher's (`WebhookDispatcher`).
struct WebhooksController {
    let store: Store
    let targets: WebhookTargets

    func addRoutes(to group: RouterGroup<PatronRequestContext>) {
        group.post("webhooks/endpoints", use: create)
        group.get("webhooks/endpoints", use: list)
        group.get("webhooks/endpoints/{endpoint_id}", use: show)
        group.put("webhooks/endpoints/{endpoint_id}", use: replace)
        group.delete("webhooks/endpoints/{endpoint_id}", use: delete)
        group.post("webhooks/endpoints/{endpoint_id}/secret", use: rotateSecret)
        group.get("webhooks/endpoints/{endpoint_id}/deliveries", use: deliveries)
        group.get("webhooks/endpoints/{endpoint_id}/deliveries/{delivery_id}", use: delivery)
        group.post("webhooks/endpoints/{endpoint_id}/deliveries/{delivery_id}/replay", use: replay)
        group.post("webhooks/endpoints/{endpoint_id}/replay", use: replayDead)
    }

    @Sendable func create(_ request: Request, context: PatronRequestContext) async throws -> Response {
        try context.require(.webhooksManage)
        let draft = try await checkedDraft(request, context: context)
        let (endpoint, secret) = try await store.createWebhookEndpoint(
            draft, by: context.actorID ?? "unknown", at: store.clock.now)
        return try JSONBody.response(WebhookEndpointResource(endpoint: endpoint, secret: secret), status: .created)
            .tagged(endpoint.revision)
    }

    @Sendable func list(_ request: Request, context: PatronRequestContext) async throws -> Response {
        try context.require(.webhooksManage)
        let endpoints = try await store.webhookEndpoints()
        return try JSONBody.response(
            PageResource(data: endpoints.map { WebhookEndpointResource(endpoint: $0) }, nextCursor: nil))
    }

    @Sendable func show(_ request: Request, context: PatronRequestContext) async throws -> Response {
        try context.require(.webhooksManage)
        let endpoint = try await store.webhookEndpoint(id: try context.parameters.require("endpoint_id"))
        return try JSONBody.response(WebhookEndpointResource(endpoint: endpoint)).tagged(endpoint.revision)
    }

    @Sendable func replace(_ request: Request, context: PatronRequestContext) async throws -> Response {
        try context.require(.webhooksManage)
        let endpointID = try context.parameters.require("endpoint_id")
        let draft = try await checkedDraft(request, context: context)
        let endpoint = try await store.replaceWebhookEndpoint(
            id: endpointID, with: draft, acceptedRevisions: request.ifMatchVersions(),
            by: context.actorID ?? "unknown", at: store.clock.now)
        return try JSONBody.response(WebhookEndpointResource(endpoint: endpoint)).tagged(endpoint.revision)
    }

    @Sendable func delete(_ request: Request, context: PatronRequestContext) async throws -> Response {
        try context.require(.webhooksManage)
        try await store.deleteWebhookEndpoint(
            id: try context.parameters.require("endpoint_id"), acceptedRevisions: request.ifMatchVersions())
        return Response(status: .noContent)
    }

    /// A new secret, shown this once; the old one keeps signing beside it for a day.
    @Sendable func rotateSecret(_ request: Request, context: PatronRequestContext) async throws -> Response {
        try context.require(.webhooksManage)
        let (endpoint, secret) = try await store.rotateWebhookSecret(
            id: try context.parameters.require("endpoint_id"), at: store.clock.now)
        return try JSONBody.response(WebhookEndpointResource(endpoint: endpoint, secret: secret))
            .tagged(endpoint.revision)
    }

    @Sendable func deliveries(_ request: Request, context: PatronRequestContext) async throws -> Response {
        try context.require(.webhooksManage)
        let endpointID = try context.parameters.require("endpoint_id")
        var query = QueryReader(request)
        let status: WebhookDeliveryStatus? = query.choice("status")
        let pagination = Pagination(reading: &query)
        try query.finish()
        let page = try await store.webhookDeliveries(
            endpointID: endpointID, status: status, after: pagination.cursor, limit: pagination.limit)
        return try JSONBody.response(
            PageResource(
                data: page.items.map { WebhookDeliveryResource(delivery: $0) },
                nextCursor: Pagination.encode(page.nextCursor)))
    }

    @Sendable func delivery(_ request: Request, context: PatronRequestContext) async throws -> Response {
        try context.require(.webhooksManage)
        let (delivery, attempts) = try await store.webhookDelivery(
            endpointID: try context.parameters.require("endpoint_id"),
            deliveryID: try context.parameters.require("delivery_id"))
        return try JSONBody.response(WebhookDeliveryResource(delivery: delivery, attempts: attempts))
    }

    @Sendable func replay(_ request: Request, context: PatronRequestContext) async throws -> Response {
        try context.require(.webhooksManage)
        let delivery = try await store.replayWebhookDelivery(
            endpointID: try context.parameters.require("endpoint_id"),
            deliveryID: try context.parameters.require("delivery_id"), at: store.clock.now)
        store.webhookAlarm.ring()
        return try JSONBody.response(WebhookDeliveryResource(delivery: delivery))
    }

    /// Every dead delivery since a time, sent again: the way back after the receiver's outage.
    @Sendable func replayDead(_ request: Request, context: PatronRequestContext) async throws -> Response {
        try context.require(.webhooksManage)
        let endpointID = try context.parameters.require("endpoint_id")
        let (body, _) = try await JSONBody.read(request, context: context)
        var reader = FieldReader(body)
        let since = reader.timestamp("since", required: true)
        try reader.finish()
        guard let since else { throw ValidationFailure(pointer: "/since", detail: "is required") }
        let count = try await store.replayDeadWebhookDeliveries(
            endpointID: endpointID, since: since, at: store.clock.now)
        store.webhookAlarm.ring()
        return try JSONBody.response(["replayed": count])
    }

    /// The request's endpoint, its host checked against the address policy.
    private func checkedDraft(_ request: Request, context: PatronRequestContext) async throws -> WebhookEndpointDraft {
        let (body, _) = try await JSONBody.read(request, context: context)
        let draft = try WebhookEndpointDraft.parse(body)
        do {
            try await targets.check(draft.url)
        } catch {
            throw ValidationFailure(pointer: "/url", detail: error.description)
        }
        return draft
    }
}
