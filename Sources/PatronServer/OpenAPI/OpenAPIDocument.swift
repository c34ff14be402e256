import Foundation
import OpenAPIKit
import PatronCore

/// The OpenAPI 3.1 description served at `/openapi.json`, built from typed values. A test compares its
/// paths with the router's routes, so a route cannot be added without being described here, and the
/// router answers 405 for a method the document does not list on a known path.
enum OpenAPIDocument {
    static let document = OpenAPI.Document(
        openAPIVersion: .v3_1_0,
        info: .init(
            title: "Patron API",
            description:
                "Customer loyalty and relationship engine: members, orders, events, points, tiers, earning rules, "
                + "rewards, referrals and customer analytics. Request bodies list every field they accept; errors "
                + "are RFC 9457 problems (application/problem+json).",
            version: "1.0.0"),
        servers: [.init(urlTemplate: URLTemplate(rawValue: "/")!)],
        paths: paths,
        components: .init(
            schemas: componentSchemas,
            securitySchemes: [
                "bearer": .b(.http(scheme: "bearer", description: "An API key: 'Authorization: Bearer <key>'")),
                "session": .b(
                    .apiKey(
                        name: "patron_session", location: .cookie,
                        description:
                            "A staff session from POST /v1/auth/sessions; writes must repeat its csrf_token in "
                            + "X-CSRF-Token")),
            ]),
        security: [[.component(named: "bearer"): []], [.component(named: "session"): []]])

    /// The document as served; building it must not fail, so a failure stops the server from starting.
    static func encoded() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(document)
    }

    static var paths: OpenAPI.PathItem.Map {
        var all = operationsPaths
        for part in [
            accessPaths, auditPaths, privacyPaths, consentPaths, memberPaths, pointsPaths, programPaths, rewardsPaths,
            analyticsPaths, feedbackPaths, sentimentPaths, ticketPaths, surveyPaths, webhookPaths,
            segmentPaths,
            messagePaths,
            campaignPaths,
        ] {
            all.merge(part) { first, _ in preconditionFailure("\(first) is described twice") }
        }
        var map = OpenAPI.PathItem.Map()
        for (path, item) in all.sorted(by: { $0.key.rawValue < $1.key.rawValue }) { map[path] = .pathItem(item) }
        return map
    }

    static var componentSchemas: OpenAPI.ComponentDictionary<JSONSchema> {
        var map = OpenAPI.ComponentDictionary<JSONSchema>()
        for name in SchemaName.allCases {
            guard let key = OpenAPI.ComponentKey(rawValue: name.rawValue), let schema = schemas[name] else {
                preconditionFailure("the schema \(name.rawValue) has no body")
            }
            map[key] = schema
        }
        return map
    }

    /// Every schema by name; the union of the areas' schemas must cover `SchemaName` exactly.
    static let schemas: [SchemaName: JSONSchema] = [
        [.problem: problemSchema], memberSchemas, orderSchemas, pointsSchemas, programSchemas, rewardSchemas,
        analyticsSchemas, accessSchemas, auditSchemas, privacySchemas, consentSchemas, feedbackSchemas,
        sentimentSchemas, ticketSchemas, surveySchemas, webhookSchemas, segmentSchemas, messageSchemas, campaignSchemas,
    ].reduce(into: [:]) { all, part in all.merge(part) { first, _ in first } }

    static let problemSchema = object([
        "type": output(), "title": output(), "status": integer(400, 599), "detail": output(required: false),
        "errors": list(object(["pointer": output(), "detail": output()]), required: false),
        "reasons": list(object(["code": output(), "detail": output()]), required: false),
    ])

    static var operationsPaths: [OpenAPI.Path: OpenAPI.PathItem] {
        let status = { (value: String) in object(["status": choice([value])]) }
        return [
            "/health": .init(
                get: operation("Liveness", id: "health", scope: nil, answers: [.ok(status("ok"))])),
            "/ready": .init(
                get: operation(
                    "Readiness: the database is reachable", id: "ready", scope: nil, answers: [.ok(status("ready"))],
                    failures: [(.unavailable, Failure.unavailable.meaning)])),
            "/metrics": .init(
                get: operation(
                    "Prometheus metrics", id: "metrics", scope: nil,
                    answers: [
                        .init(
                            status: 200, description: "OK", schema: .string, contentType: .init(rawValue: "text/plain")!
                        )
                    ])),
            "/openapi.json": .init(
                get: operation(
                    "This document", id: "openAPI", scope: nil,
                    answers: [.ok(.object(additionalProperties: .init(true)))])),
        ]
    }
}
