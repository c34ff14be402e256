import OpenAPIKit
import PatronCore

/// Members, orders and events: the paths and the schemas of their bodies.
extension OpenAPIDocument {
    static let memberID = pathID("member_id", "The member's id (mem_…).")

    static var memberPaths: [OpenAPI.Path: OpenAPI.PathItem] {
        let lookup = "Look-ups answer a list of at most one member (none when nobody matches)."
        return [
            "/v1/members": .init(
                get: operation(
                    "List members (cursor-paginated), or look one up exactly by external_id, email or phone",
                    id: "listMembers", scope: .membersRead,
                    parameters: [
                        limit, cursor,
                        query("external_id", .string(required: false, minLength: 1, pattern: anyText), lookup),
                        query("email", pattern(email, maxLength: 254, required: false), lookup),
                        query("phone", pattern(phone, required: false), lookup),
                    ],
                    answers: [.ok(page(of: .member))],
                    failures: [
                        (
                            .unprocessable,
                            "A parameter is malformed, empty or given twice, or more than one of external_id, email "
                                + "and phone is given."
                        )
                    ]),
                post: operation(
                    "Create a member, or update the one with this external_id", id: "upsertMember",
                    scope: .membersWrite, body: ref(.memberInput),
                    answers: [.created(ref(.member), "Created"), .ok(ref(.member), "Updated")],
                    failures: [
                        (.gone, Failure.gone.meaning),
                        (.conflict, "The email or phone already belongs to another member."),
                    ])),
            "/v1/members/{member_id}": .init(
                get: operation(
                    "A member", id: "getMember", scope: .membersRead, forMember: true, parameters: [memberID],
                    answers: [.ok(ref(.member))], failures: [(.notFound, "No member has this id.")]),
                patch: operation(
                    "Change some fields of a member (external_id cannot change)", id: "updateMember",
                    scope: .membersWrite, parameters: [memberID], body: ref(.memberPatch), answers: [.ok(ref(.member))],
                    failures: [
                        (.gone, Failure.gone.meaning),
                        (.notFound, "No member has this id."),
                        (.conflict, "The email or phone already belongs to another member."),
                    ])),
            "/v1/members/{member_id}/orders": .init(
                get: operation(
                    "A member's orders, newest first", id: "listMemberOrders", scope: .ordersRead, forMember: true,
                    parameters: [memberID, limit, cursor], answers: [.ok(page(of: .order))],
                    failures: [(.notFound, "No member has this id."), (.unprocessable, "`limit` is out of range.")])),
            "/v1/orders": .init(
                post: operation(
                    "Record an order; replaying an order_id with the same body answers 200 with the first answer",
                    id: "recordOrder", scope: .ordersWrite, body: ref(.orderInput),
                    answers: [.created(ref(.order)), .ok(ref(.order), "A replay of a recorded order")],
                    failures: [
                        (.gone, Failure.gone.meaning),
                        (.conflict, "The order_id was already recorded with different content."),
                        (
                            .unprocessable,
                            "A field is invalid, member_id names no member, or the amounts do not add up: a line's "
                                + "discount_minor is at most quantity × unit_price_minor, discount_minor at most the "
                                + "lines' subtotal (at most 10^13), and total_minor = subtotal − discount_minor + "
                                + "shipping_minor."
                        ),
                    ])),
            "/v1/orders/{order_id}": .init(
                get: operation(
                    "An order", id: "getOrder", scope: .ordersRead,
                    parameters: [pathID("order_id", "The order's id, as the shop gave it.")],
                    answers: [.ok(ref(.order))], failures: [(.notFound, "No order has this id.")])),
            "/v1/events": .init(
                post: operation(
                    "Record one track or identify event (at most 32 KiB); a repeated message_id is ignored. A track event "
                        + "named Feedback Submitted carries feedback in its properties, read as POST /v1/feedback "
                        + "reads its body (feedback_id defaults to the message_id, channel to app).",
                    id: "recordEvent", scope: .eventsWrite, body: ref(.event),
                    answers: [
                        .init(status: 202, description: "Accepted", schema: ref(.eventResult)),
                        .ok(ref(.eventResult), "A repeated message_id"),
                    ],
                    failures: [
                        (.gone, Failure.gone.meaning),
                        (.contentTooLarge, "The body is larger than 32 KiB."),
                        (.conflict, "The traits' email or phone already belongs to another member."),
                    ])),
            "/v1/events/batch": .init(
                post: operation(
                    "Record up to 500 events (at most 512 KiB, each at most 32 KiB) all or nothing",
                    id: "recordEvents", scope: .eventsWrite,
                    body: input(["batch": list(ref(.event), minItems: 1, maxItems: EventSubmission.maximumBatchCount)]
                    ),
                    answers: [
                        .ok(
                            object([
                                "accepted": count(), "duplicates": count(), "refused": count(),
                                "results": list(ref(.eventResult)),
                            ]))
                    ],
                    failures: [
                        (.gone, Failure.gone.meaning),
                        (.contentTooLarge, "The body is larger than 512 KiB."),
                        (.unprocessable, "An event is invalid or larger than 32 KiB; `errors` names it by index."),
                    ])),
        ]
    }

    /// The profile fields of a member, as requests give them.
    static func profile(externalID: JSONSchema?) -> OrderedDictionary<String, JSONSchema> {
        var fields: OrderedDictionary<String, JSONSchema> = [:]
        if let externalID { fields["external_id"] = externalID }
        fields["name"] = text(maxLength: 200, required: false)
        fields["email"] = pattern(
            email, maxLength: 254, required: false, description: "Trimmed and lower-cased; matched exactly.")
        fields["phone"] = pattern(
            phone, maxLength: 32, required: false,
            description: "E.164 (+country code), 00 and the country code, or a Chinese number without +86.")
        fields["birthday"] = date(required: false)
        fields["status"] = choice(MemberStatus.settable.map(\.rawValue), required: false)
        fields["attributes"] = freeForm(
            required: false, description: "Merged into the stored ones; null removes a key.")
        return fields
    }

    /// `local@domain.tld`: one @, no whitespace, a dot inside the domain.
    static let email =
        #"^[^@\u0000\#(whitespace)]+@[^@.\u0000\#(whitespace)][^@\u0000\#(whitespace)]*\.[^@\u0000\#(whitespace)]*[^@.\u0000\#(whitespace)]$"#

    /// The numbers ``PhoneNumber`` reads: +country code (8–15 digits; +86 1… has 13), 00 and the country
    /// code, an 11-digit Chinese mobile, 86 and one, or a Chinese landline with its trunk 0; spaces, dots,
    /// dashes and brackets may separate the digits.
    static let phone: String = {
        let gap = "[ ().-]*"
        func digits(_ range: String) -> String { "(?:\(gap)[0-9])\(range)" }
        let international =
            "(?:\(gap)[1-79]\(digits("{7,14}"))|\(gap)8\(gap)[0-57-9]\(digits("{6,13}"))"
            + "|\(gap)8\(gap)6\(gap)[02-9]\(digits("{5,12}"))|\(gap)8\(gap)6\(gap)1\(digits("{10}")))"
        let domestic =
            "(?:1\(digits("{10}"))|8\(gap)6\(gap)1\(digits("{10}"))|0\(gap)[2-9]\(digits("{8,10}"))"
            + "|0\(gap)1\(digits("{10}")))"
        return "^(?:\\+|\(gap)0\(gap)0)\(international)\(gap)$|^\(gap)\(domestic)\(gap)$"
    }()

    static var memberSchemas: [SchemaName: JSONSchema] {
        var fields = profile(externalID: text(maxLength: 128, nonBlank: true))
        let member: JSONSchema = object([
            "member_id": output(), "external_id": output(nullable: true), "status": cases(MemberStatus.self),
            "tier": output(), "name": output(nullable: true), "email": output(nullable: true),
            "phone": output(nullable: true), "birthday": date(nullable: true), "attributes": freeForm(),
            "joined_at": timestamp(), "created_at": timestamp(), "updated_at": timestamp(),
        ])
        var patchFields = profile(externalID: nil)
        patchFields["consents"] = consentStatements
        let patch = input(patchFields)
        fields["attributes"] = freeForm(required: false)
        fields["consents"] = consentStatements
        return [.memberInput: input(fields), .memberPatch: patch, .member: member]
    }
}
