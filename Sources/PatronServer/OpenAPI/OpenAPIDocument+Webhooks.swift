import OpenAPIKit
import PatronCore
import PatronStore

/// Webhook endpoints, their secrets, the delivery log and replays.
extension OpenAPIDocument {
    static var webhookPaths: [OpenAPI.Path: OpenAPI.PathItem] {
        let endpointID = pathID("endpoint_id", "The endpoint's id.")
        let deliveryID = pathID("delivery_id", "The delivery's id.")
        let missing = (Failure.notFound, "No endpoint has this id.")
        let stale = (Failure.preconditionFailed, "If-Match names another revision of the endpoint.")
        let invalid = (
            Failure.unprocessable,
            "A field is invalid: the URL (http or https, a host on the public internet unless the server allows "
                + "private ones, no user name or fragment), an unknown event type, a description over 200 characters."
        )
        let revision = "The endpoint's revision"
        return [
            "/v1/webhooks/endpoints": .init(
                get: operation(
                    "Every webhook endpoint, oldest first", id: "listWebhookEndpoints", scope: .webhooksManage,
                    answers: [
                        .ok(object(["data": list(ref(.webhookEndpoint)), "next_cursor": output(nullable: true)]))
                    ]),
                post: operation(
                    "Subscribe a URL to events; Patron posts each event there, signed with Standard Webhooks headers",
                    id: "createWebhookEndpoint", scope: .webhooksManage, body: ref(.webhookEndpointInput),
                    answers: [
                        Success.created(ref(.webhookEndpoint), "Created; `secret` is shown this once").tagged(
                            by: revision)
                    ],
                    failures: [invalid])),
            "/v1/webhooks/endpoints/{endpoint_id}": .init(
                get: operation(
                    "One endpoint", id: "getWebhookEndpoint", scope: .webhooksManage, parameters: [endpointID],
                    answers: [Success.ok(ref(.webhookEndpoint)).tagged(by: revision)], failures: [missing]),
                put: operation(
                    "Replace an endpoint's URL, events, description or state; disabling it gives up its pending "
                        + "deliveries, enabling it starts again with no failures counted",
                    id: "replaceWebhookEndpoint", scope: .webhooksManage, parameters: [endpointID, ifMatch],
                    body: ref(.webhookEndpointInput), answers: [Success.ok(ref(.webhookEndpoint)).tagged(by: revision)],
                    failures: [missing, stale, invalid]),
                delete: operation(
                    "Remove an endpoint and its delivery log", id: "deleteWebhookEndpoint", scope: .webhooksManage,
                    parameters: [endpointID, ifMatch],
                    answers: [Success(status: 204, description: "Removed", schema: nil)], failures: [missing, stale])),
            "/v1/webhooks/endpoints/{endpoint_id}/secret": .init(
                post: operation(
                    "Rotate the signing secret: the new one is returned once, and the old one keeps signing beside "
                        + "it for 24 hours", id: "rotateWebhookSecret", scope: .webhooksManage,
                    parameters: [endpointID],
                    answers: [
                        Success.ok(ref(.webhookEndpoint), "Rotated; the new `secret` is shown this once").tagged(
                            by: revision)
                    ], failures: [missing])),
            "/v1/webhooks/endpoints/{endpoint_id}/deliveries": .init(
                get: operation(
                    "The endpoint's deliveries, newest first", id: "listWebhookDeliveries", scope: .webhooksManage,
                    parameters: [
                        endpointID,
                        query(
                            "status", cases(WebhookDeliveryStatus.self, required: false),
                            "Only deliveries in this state."),
                        limit, cursor,
                    ],
                    answers: [
                        .ok(object(["data": list(ref(.webhookDelivery)), "next_cursor": output(nullable: true)]))
                    ],
                    failures: [missing, (.unprocessable, "`status`, `limit` or `cursor` is malformed.")])),
            "/v1/webhooks/endpoints/{endpoint_id}/deliveries/{delivery_id}": .init(
                get: operation(
                    "One delivery with every attempt", id: "getWebhookDelivery", scope: .webhooksManage,
                    parameters: [endpointID, deliveryID], answers: [.ok(ref(.webhookDelivery))],
                    failures: [(.notFound, "No such endpoint, or no such delivery at it.")])),
            "/v1/webhooks/endpoints/{endpoint_id}/deliveries/{delivery_id}/replay": .init(
                post: operation(
                    "Send a delivery again now, with the same webhook-id, on a fresh retry schedule",
                    id: "replayWebhookDelivery", scope: .webhooksManage, parameters: [endpointID, deliveryID],
                    answers: [.ok(ref(.webhookDelivery))],
                    failures: [
                        (.notFound, "No such endpoint, or no such delivery at it."),
                        (.conflict, "The endpoint is disabled; enable it first."),
                    ])),
            "/v1/webhooks/endpoints/{endpoint_id}/replay": .init(
                post: operation(
                    "Send again every dead delivery made since a time: the way back after the receiver's outage",
                    id: "replayWebhookDeliveries", scope: .webhooksManage, parameters: [endpointID],
                    body: input(["since": timestamp()]), answers: [.ok(object(["replayed": count()]))],
                    failures: [
                        missing, (.conflict, "The endpoint is disabled; enable it first."),
                        (.unprocessable, "`since` is missing or not an RFC 3339 time."),
                    ])),
        ]
    }

    static var webhookSchemas: [SchemaName: JSONSchema] {
        [
            .webhookEndpointInput: input([
                "url": pattern(
                    "^[Hh][Tt][Tt][Pp][Ss]?://[!-~]+$", maxLength: WebhookEndpointURL.maximumLength,
                    description: "http(s)://, printable ASCII; no user name, password or fragment."),
                "event_types": list(cases(WebhookEventType.self), minItems: 1),
                "description": text(maxLength: WebhookEndpointDraft.maximumDescriptionLength, required: false),
                "enabled": boolean(required: false),
            ]),
            .webhookEndpoint: object([
                "endpoint_id": output(), "url": output(), "description": output(),
                "event_types": list(cases(WebhookEventType.self)), "enabled": boolean(),
                "disabled_at": timestamp(nullable: true), "disabled_reason": output(nullable: true),
                "failing_since": timestamp(
                    nullable: true, description: "Since when no delivery succeeded; after 5 days it is disabled."),
                "previous_secret_until": timestamp(
                    nullable: true, description: "Until when the secret before the last rotation also signs."),
                "revision": count(), "created_by": output(), "created_at": timestamp(), "updated_at": timestamp(),
                "secret": output(
                    required: false, description: "`whsec_…`: only in the answer that created or rotated it."),
            ]),
            .webhookDelivery: object([
                "delivery_id": output(), "endpoint_id": output(),
                "event_id": output(description: "The webhook-id header, the same on every attempt."),
                "event_type": output(), "status": cases(WebhookDeliveryStatus.self), "attempt_count": count(),
                "next_attempt_at": timestamp(nullable: true), "last_status": count(nullable: true),
                "last_error": output(nullable: true), "created_at": timestamp(),
                "delivered_at": timestamp(nullable: true),
                "attempts": list(
                    object([
                        "attempt": count(), "attempted_at": timestamp(), "status": count(nullable: true),
                        "error": output(nullable: true), "duration_ms": count(),
                    ]), required: false),
            ]),
        ]
    }
}
