import OpenAPIKit
import PatronCore

/// The audit log.
extension OpenAPIDocument {
    static var auditPaths: [OpenAPI.Path: OpenAPI.PathItem] {
        let filters = [
            query(
                "actor", text(maxLength: 128, nonBlank: true, required: false), "Only entries by this key or user id."),
            query("object", text(maxLength: 256, nonBlank: true, required: false), "Only entries naming this id."),
            query("action", text(maxLength: 64, nonBlank: true, required: false), "Only this operation."),
            query("from", instant(required: false), "Only entries at or after this instant."),
            query("to", instant(required: false), "Only entries before this instant."),
        ]
        let badFilter = (Failure.unprocessable, "A filter or the page size is malformed.")
        return [
            "/v1/audit": .init(
                get: operation(
                    "Audit entries, newest first: who changed what or read whose personal data, when and from where",
                    id: "listAudit", scope: .auditRead, parameters: filters + [limit, cursor],
                    answers: [.ok(page(of: .auditEntry))], failures: [badFilter])),
            "/v1/audit/export": .init(
                get: operation(
                    "Every matching audit entry, newest first, as CSV with the hashes that chain them",
                    id: "exportAudit", scope: .auditRead, parameters: filters,
                    answers: [
                        Success(
                            status: 200, description: "RFC 4180 CSV", schema: .string,
                            contentType: .init(rawValue: "text/csv")!)
                    ], failures: [badFilter])),
        ]
    }

    static var auditSchemas: [SchemaName: JSONSchema] {
        [
            .auditEntry: object([
                "sequence": count(), "at": timestamp(), "actor_kind": cases(AuditEvent.ActorKind.self),
                "actor_id": output(nullable: true), "action": output(), "object_ids": list(output()),
                "address": output(nullable: true), "user_agent": output(nullable: true),
                "request_id": output(nullable: true), "previous_hash": output(), "hash": output(),
            ])
        ]
    }
}
