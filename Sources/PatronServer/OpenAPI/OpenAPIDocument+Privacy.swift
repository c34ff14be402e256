import OpenAPIKit
import PatronCore

/// A member's rights over their data: a copy of everything held, erasure, and the record of such requests.
extension OpenAPIDocument {
    static var privacyPaths: [OpenAPI.Path: OpenAPI.PathItem] {
        [
            "/v1/members/{member_id}/exports": .init(
                post: operation(
                    "Everything Patron holds about a member, as one JSON document or a zip of CSV files (one per "
                        + "table); recorded as a privacy request",
                    id: "exportMember", scope: .privacyManage,
                    parameters: [
                        memberID,
                        query(
                            "format", choice(["json", "zip"], required: false),
                            "json (the default) or zip: the same tables as CSV files, with the document beside them."),
                    ],
                    answers: [
                        Success(
                            status: 201, description: "The export, as the format asked for",
                            schema: ref(.memberExport),
                            alternatives: [.init(rawValue: "application/zip")!: JSONSchema.string])
                    ],
                    failures: [(.notFound, "No member has this id."), (.unprocessable, "`format` is not json or zip.")])
            ),
            "/v1/members/{member_id}/erasure": .init(
                post: operation(
                    "Erase a member: their key is destroyed and their identities deleted; orders, points and tiers "
                        + "stay, without anything that names the person. Erasing again answers the first erasure",
                    id: "eraseMember", scope: .privacyManage, parameters: [memberID],
                    answers: [
                        .created(ref(.privacyRequest), "Erased"),
                        .ok(ref(.privacyRequest), "Erased before: the first erasure's request"),
                    ],
                    failures: [(.notFound, "No member has this id.")])),
            "/v1/privacy/requests": .init(
                get: operation(
                    "Privacy requests (exports and erasures), newest first", id: "listPrivacyRequests",
                    scope: .privacyManage,
                    parameters: [
                        query(
                            "member_id", text(maxLength: 128, nonBlank: true, required: false),
                            "Only this member's requests."),
                        limit, cursor,
                    ],
                    answers: [.ok(page(of: .privacyRequest))],
                    failures: [(.unprocessable, "A parameter is malformed.")])),
        ]
    }

    static var privacySchemas: [SchemaName: JSONSchema] {
        [
            .privacyRequest: object([
                "request_id": output(), "kind": cases(PrivacyRequest.Kind.self), "member_id": output(),
                "state": cases(PrivacyRequest.State.self), "received_at": timestamp(), "due_at": timestamp(),
                "completed_at": timestamp(nullable: true), "handled_by": output(),
                "outcome": freeForm(description: "What was done, in counts by table or kind of data."),
            ]),
            .memberExport: object([
                "format": output(description: "patron-member-export/1"), "request_id": output(),
                "member_id": output(), "exported_at": timestamp(),
                "tables": freeForm(
                    description:
                        "Each table holding something about the member, by name: its rows, sealed values opened. "
                        + "Keyed look-up digests and the member's wrapped key are left out."),
            ]),
        ]
    }
}
