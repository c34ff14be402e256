import Foundation
import PatronCore

/// The OpenAPI 3.1 description served at `/openapi.json`. A test compares its paths with the
/// router's routes, so a route cannot be added without being described here.
enum OpenAPIDocument {
    static let json: Data = (try? JSONBody.canonical(document)) ?? Data()

    static let document: JSONValue = [
        "openapi": "3.1.0",
        "info": [
            "title": "Patron API", "version": "1.0.0",
            "description":
                "Customer loyalty and relationship engine: members, orders, events, points, tiers, earning rules, rewards, referrals and customer analytics.",
        ],
        "servers": [["url": "/"]],
        "security": [["bearer": []]],
        "paths": .object(
            [paths, loyaltyPaths, rewardsPaths, analyticsPaths].reduce(into: [:]) { all, part in
                all.merge(part) { first, _ in first }
            }),
        "components": [
            "securitySchemes": ["bearer": ["type": "http", "scheme": "bearer"]],
            "schemas": .object(
                [schemas, loyaltySchemas, rewardsSchemas, analyticsSchemas].reduce(into: [:]) { all, part in
                    all.merge(part) { first, _ in first }
                }),
            "responses": [
                "Problem": [
                    "description":
                        "An RFC 9457 problem: 400 malformed, 401 no key, 403 missing scope, 404, 409, 413, 422.",
                    "content": ["application/problem+json": ["schema": ref("Problem")]],
                ]
            ],
        ],
    ]

    static let paths: [String: JSONValue] = [
        "/health": ["get": operation("Liveness", public: true, response: ["type": "object"])],
        "/ready": [
            "get": operation(
                "Readiness: the database is reachable (503 when not)", public: true, response: ["type": "object"])
        ],
        "/metrics": [
            "get": operation(
                "Prometheus metrics", public: true, response: ["type": "string"], contentType: "text/plain")
        ],
        "/openapi.json": ["get": operation("This document", public: true, response: ["type": "object"])],
        "/v1/members": [
            "post": operation(
                "Create or update a member by external_id (201 created, 200 updated)", scope: "members:write",
                body: ref("MemberInput"), response: ref("Member"), status: "201"),
            "get": operation(
                "List members (cursor-paginated), or look one up exactly by external_id, email or phone",
                scope: "members:read",
                parameters: [
                    query("limit", "integer"), query("cursor", "string"), query("external_id", "string"),
                    query("email", "string"), query("phone", "string"),
                ],
                response: page("Member")),
        ],
        "/v1/members/{member_id}": [
            "get": operation(
                "A member", scope: "members:read", parameters: [path("member_id")], response: ref("Member")),
            "patch": operation(
                "Change some fields of a member", scope: "members:write", parameters: [path("member_id")],
                body: ref("MemberInput"), response: ref("Member")),
        ],
        "/v1/members/{member_id}/orders": [
            "get": operation(
                "A member's orders, newest first", scope: "orders:read",
                parameters: [path("member_id"), query("limit", "integer"), query("cursor", "string")],
                response: page("Order"))
        ],
        "/v1/orders": [
            "post": operation(
                "Record an order; replaying an order_id answers 200 with the first answer's body",
                scope: "orders:write",
                body: ref("OrderInput"), response: ref("Order"), status: "201")
        ],
        "/v1/orders/{order_id}": [
            "get": operation("An order", scope: "orders:read", parameters: [path("order_id")], response: ref("Order"))
        ],
        "/v1/events": [
            "post": operation(
                "Record one track or identify event (at most 32 KB); a repeated message_id is ignored",
                scope: "events:write", body: ref("Event"), response: ref("EventResult"), status: "202")
        ],
        "/v1/events/batch": [
            "post": operation(
                "Record up to 500 events (at most 512 KB); an invalid event refuses the batch, each other has a result",
                scope: "events:write",
                body: [
                    "type": "object", "required": ["batch"],
                    "properties": ["batch": ["type": "array", "maxItems": 500, "items": ref("Event")]],
                ],
                response: [
                    "type": "object",
                    "properties": [
                        "accepted": ["type": "integer"], "duplicates": ["type": "integer"],
                        "refused": ["type": "integer"],
                        "results": ["type": "array", "items": ref("EventResult")],
                    ],
                ])
        ],
    ]

    static let schemas: [String: JSONValue] = [
        "Problem": object([
            "type": string, "title": string, "status": integer, "detail": string,
            "errors": ["type": "array", "items": object(["pointer": string, "detail": string])],
        ]),
        "MemberInput": object([
            "external_id": string, "name": string, "email": ["type": "string", "format": "email"],
            "phone": ["type": "string", "description": "E.164, or a Chinese number without +86"],
            "birthday": ["type": "string", "format": "date"], "status": ["enum": ["active", "suspended"]],
            "attributes": ["type": "object", "description": "merged; null removes a key"],
        ]),
        "Member": object([
            "member_id": string, "external_id": nullable(string), "status": string, "tier": string,
            "name": nullable(string), "email": nullable(string), "phone": nullable(string),
            "birthday": nullable(string), "attributes": ["type": "object"], "joined_at": timestamp,
            "created_at": timestamp, "updated_at": timestamp,
        ]),
        "OrderInput": object(
            [
                "order_id": string, "member_id": string, "member": ref("MemberInput"),
                "occurred_at": [
                    "type": "string", "format": "date-time", "description": "at most 5 minutes in the future",
                ],
                "currency": ["type": "string", "description": "ISO 4217"],
                "channel": ["enum": .array(Channel.allCases.map { .string($0.rawValue) })], "store_id": string,
                "lines": ["type": "array", "minItems": 1, "items": ref("OrderLine")],
                "discount_minor": integer, "shipping_minor": integer,
                "total_minor": [
                    "type": "integer",
                    "description": "Σ(quantity × unit_price_minor − line discount) − discount_minor + shipping_minor",
                ],
            ], required: ["order_id", "occurred_at", "currency", "lines", "total_minor"]),
        "OrderLine": object(
            [
                "sku": string, "name": string, "category": string, "quantity": ["type": "integer", "minimum": 1],
                "unit_price_minor": integer, "discount_minor": integer, "amount_minor": integer,
            ], required: ["sku", "quantity", "unit_price_minor"]),
        "Order": object([
            "order_id": string, "member_id": string, "occurred_at": timestamp, "currency": string, "channel": string,
            "store_id": nullable(string), "lines": ["type": "array", "items": ref("OrderLine")],
            "subtotal_minor": integer, "discount_minor": integer, "shipping_minor": integer, "total_minor": integer,
            "created_at": timestamp,
            "points": object([
                "earned": integer, "pending": integer, "expired": integer,
                "awards": [
                    "type": "array",
                    "items": object([
                        "rule_id": string, "points": integer, "reason": string, "pending": ["type": "boolean"],
                        "expires_at": nullable(timestamp), "expired": ["type": "boolean"],
                    ]),
                ],
            ]),
        ]),
        "Event": object(
            [
                "type": ["enum": ["track", "identify"]], "user_id": string, "anonymous_id": string, "event": string,
                "properties": ["type": "object"], "traits": ["type": "object"], "context": ["type": "object"],
                "timestamp": timestamp, "message_id": string,
            ], required: ["type"]),
        "EventResult": object([
            "message_id": string, "status": ["enum": ["accepted", "duplicate", "refused"]],
            "member_id": nullable(string),
            "errors": ["type": "array", "items": object(["pointer": string, "detail": string])],
        ]),
    ]

    static let string: JSONValue = ["type": "string"]
    static let integer: JSONValue = ["type": "integer"]
    static let timestamp: JSONValue = ["type": "string", "format": "date-time"]

    static func ref(_ name: String) -> JSONValue { ["$ref": .string("#/components/schemas/\(name)")] }
    static func nullable(_ schema: JSONValue) -> JSONValue { ["oneOf": [schema, ["type": "null"]]] }

    static func object(_ properties: [String: JSONValue], required: [String] = []) -> JSONValue {
        var schema: [String: JSONValue] = ["type": "object", "properties": .object(properties)]
        if !required.isEmpty { schema["required"] = .array(required.map { .string($0) }) }
        return .object(schema)
    }

    static func page(_ name: String) -> JSONValue {
        object(["data": ["type": "array", "items": ref(name)], "next_cursor": nullable(string)])
    }

    static func path(_ name: String) -> JSONValue {
        ["name": .string(name), "in": "path", "required": true, "schema": string]
    }

    static func query(_ name: String, _ type: String) -> JSONValue {
        // As QueryReader checks them: a list's limit is 1…500, and only an empty cursor means "absent".
        var schema: [String: JSONValue] = ["type": .string(type)]
        if name == "limit" {
            schema["minimum"] = 1
            schema["maximum"] = 500
        } else if type == "string", name != "cursor" {
            schema["minLength"] = 1
        }
        return ["name": .string(name), "in": "query", "required": false, "schema": .object(schema)]
    }

    static func operation(
        _ summary: String, scope: String? = nil, public isPublic: Bool = false, parameters: [JSONValue] = [],
        body: JSONValue? = nil, response: JSONValue, status: String = "200", contentType: String = "application/json"
    ) -> JSONValue {
        var operation: [String: JSONValue] = [
            "summary": .string(summary),
            "responses": [
                .init(stringLiteral: status): [
                    "description": "OK", "content": [.init(stringLiteral: contentType): ["schema": response]],
                ],
                "default": ["$ref": "#/components/responses/Problem"],
            ],
        ]
        if let scope { operation["description"] = .string("Requires an API key with the '\(scope)' scope (or admin).") }
        if isPublic { operation["security"] = [] }
        if !parameters.isEmpty { operation["parameters"] = .array(parameters) }
        if let body {
            operation["requestBody"] = ["required": true, "content": ["application/json": ["schema": body]]]
        }
        return .object(operation)
    }
}
