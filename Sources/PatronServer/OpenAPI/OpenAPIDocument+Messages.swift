import OpenAPIKit
import PatronCore
import PatronStore

/// Message templates, messages to members, and the message log.
extension OpenAPIDocument {
    static var messagePaths: [OpenAPI.Path: OpenAPI.PathItem] {
        let templateID = OpenAPI.Parameter.path(
            name: "template_id", schema: .string(minLength: 1, maxLength: 64, pattern: "^[A-Za-z0-9_-]+$"),
            description: "The template's id, chosen by the shop.")
        let messageID = OpenAPI.Parameter.path(
            name: "message_id", schema: .string(minLength: 1, maxLength: 64), description: "The message's id.")
        let missingTemplate = (Failure.notFound, "No template has this id.")
        let stale = (Failure.preconditionFailed, "If-Match names another version of the template.")
        let version = "The template's version"
        return [
            "/v1/templates": .init(
                get: operation(
                    "Every message template in force, by id", id: "listTemplates", scope: .reportsRead,
                    answers: [.ok(object(["data": list(ref(.template)), "next_cursor": output(nullable: true)]))])),
            "/v1/templates/{template_id}": .init(
                get: operation(
                    "A template's version in force", id: "getTemplate", scope: .reportsRead, parameters: [templateID],
                    answers: [Success.ok(ref(.template)).tagged(by: version)], failures: [missingTemplate]),
                put: operation(
                    "Create a template (201) or save a new version of it (200); queued messages keep theirs",
                    id: "saveTemplate", scope: .campaignsWrite, parameters: [templateID, ifMatch],
                    body: ref(.templateInput),
                    answers: [
                        Success.created(ref(.template)).tagged(by: version),
                        Success.ok(ref(.template), "Saved as a new version").tagged(by: version),
                    ],
                    failures: [
                        stale,
                        (
                            .unprocessable,
                            "A text is not valid Mustache, uses a name no message has, prints a value unescaped in "
                                + "HTML, or a channel and language is given twice."
                        ),
                    ]),
                delete: operation(
                    "Remove a template (its versions are kept)", id: "removeTemplate", scope: .campaignsWrite,
                    parameters: [templateID, ifMatch],
                    answers: [Success(status: 204, description: "Removed", schema: nil)],
                    failures: [missingTemplate, stale])),
            "/v1/templates/{template_id}/preview": .init(
                post: operation(
                    "The template rendered on a channel for a member (their data and language), or with every name "
                        + "filled with itself; sends nothing",
                    id: "previewTemplate", scope: .campaignsWrite, parameters: [templateID],
                    body: input([
                        "channel": cases(MessageChannel.self),
                        "member_id": text(maxLength: 64, required: false),
                        "language": text(maxLength: 35, required: false),
                        "order_id": text(maxLength: 128, required: false),
                        "coupon_code": text(maxLength: 64, required: false),
                        "ticket_id": text(maxLength: 64, required: false),
                    ]),
                    answers: [.ok(ref(.renderedMessage))],
                    failures: [
                        (.notFound, "No template has this id, or no member the given id."),
                        (.unprocessable, "The template says nothing on the channel in the member's language."),
                    ])),
            "/v1/messages": .init(
                get: operation(
                    "The message log, newest first: all, one member's, one status's or one source's",
                    id: "listMessages", scope: .membersRead,
                    parameters: [
                        query(
                            "member_id", text(maxLength: 64, nonBlank: true, required: false),
                            "Only messages to this member."),
                        query("status", cases(MessageStatus.self, required: false), "Only messages in this state."),
                        query(
                            "source", text(maxLength: 128, nonBlank: true, required: false),
                            "Only messages from this source."),
                        limit, cursor,
                    ],
                    answers: [.ok(object(["data": list(ref(.message)), "next_cursor": output(nullable: true)]))],
                    failures: [(.unprocessable, "A filter, `limit` or `cursor` is malformed.")]),
                post: operation(
                    "Send a message to a member through a template, once per key: 201 queued, 200 when the key was "
                        + "used before (that message)",
                    id: "sendMessage", scope: .messagesSend,
                    body: input([
                        "member_id": text(maxLength: 64, nonBlank: true),
                        "template_id": text(maxLength: 64, nonBlank: true),
                        "key": text(
                            maxLength: 200, nonBlank: true,
                            description: "What makes this message one of a kind, such as receipt:ORDER-1."),
                        "channels": list(
                            cases(MessageChannel.self), minItems: 1, maxItems: MessageChannel.allCases.count,
                            required: false,
                            description: "Tried in order (default: the template's); the first allowed wins. Unique."),
                        "send_at": timestamp(required: false, description: "Not before (default: now)."),
                        "order_id": text(maxLength: 128, required: false),
                        "coupon_code": text(maxLength: 64, required: false),
                        "ticket_id": text(maxLength: 64, required: false),
                    ]),
                    answers: [
                        .created(ref(.message)), .ok(ref(.message), "Queued before with the same key: that message"),
                    ],
                    failures: [
                        (.notFound, "No member or template has this id."),
                        (.gone, "The member was erased."),
                        (.conflict, "The key was used for another member or template."),
                    ])),
            "/v1/messages/summary": .init(
                get: operation(
                    "How the messages from one source stand — a trigger's or a campaign's report: counts per state "
                        + "and skips per reason",
                    id: "messageSummary", scope: .reportsRead,
                    parameters: [
                        query(
                            "source", text(maxLength: 128, nonBlank: true), "trigger:{id}, campaign:{id} or api.",
                            required: true)
                    ],
                    answers: [
                        .ok(
                            object([
                                "source": output(), "total": count(),
                                "by_status": counts(of: MessageStatus.self), "skipped": counts(of: SkipReason.self),
                            ]))
                    ],
                    failures: [(.unprocessable, "`source` is missing.")])),
            "/v1/messages/replies": .init(
                post: operation(
                    "A member's SMS reply, from the SMS bridge: R, TD, T, 退订, STOP or UNSUBSCRIBE alone withdraws "
                        + "their SMS marketing consent",
                    id: "receiveReply", scope: .messagesSend,
                    body: input([
                        "channel": choice(["sms"]),
                        "from": text(maxLength: 32, nonBlank: true, description: "The sender's phone number."),
                        "text": text(maxLength: 1_000),
                        "received_at": timestamp(required: false),
                    ]),
                    answers: [
                        .ok(
                            object([
                                "member_id": output(
                                    nullable: true, description: "The member with that number; null when none."),
                                "opt_out": .boolean(description: "Whether their SMS marketing consent was withdrawn."),
                            ]))
                    ],
                    failures: [(.unprocessable, "`from` is not a phone number.")])),
            "/v1/messages/{message_id}": .init(
                get: operation(
                    "A message with each attempt to send it", id: "getMessage", scope: .membersRead,
                    parameters: [messageID], answers: [.ok(ref(.message))],
                    failures: [(.notFound, "No message has this id.")])),
            "/v1/messages/{message_id}/replay": .init(
                post: operation(
                    "Send a dead or ambiguous message again now, with a fresh retry schedule", id: "replayMessage",
                    scope: .messagesSend, parameters: [messageID], answers: [.ok(ref(.message))],
                    failures: [
                        (.notFound, "No message has this id."),
                        (.conflict, "The message is neither dead nor ambiguous."),
                    ])),
        ]
    }

    static var messageSchemas: [SchemaName: JSONSchema] {
        let content = input(
            [
                "channel": cases(MessageChannel.self),
                "language": pattern(#"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$"#, maxLength: 35),
                "subject": text(
                    maxLength: 500, required: false, description: "Required for email and push; absent for others."),
                "text": text(maxLength: MessageTemplate.maximumTextLength),
                "html": text(
                    maxLength: MessageTemplate.maximumTextLength, required: false,
                    description: "Email only: the HTML part beside the text."),
            ],
            description: """
                What one channel says in one language, in Mustache: {{name}} prints a value (escaped in HTML), \
                {{#object}}…{{/object}} shows a part only when the message has it. The names: \
                \(TemplateVariables.allNames.joined(separator: ", ")).
                """)
        return [
            .templateInput: input([
                "name": text(maxLength: 200, nonBlank: true),
                "category": cases(
                    MessageCategory.self,
                    description: "marketing needs consent, counts against caps and waits out quiet hours."),
                "default_language": pattern(
                    #"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$"#, maxLength: 35, required: false,
                    description: "For members whose language the template lacks (default: the first content's)."),
                "contents": list(content, minItems: 1, maxItems: MessageTemplate.maximumContents),
            ]),
            .template: object([
                "template_id": output(), "version": count(), "name": output(), "category": cases(MessageCategory.self),
                "default_language": output(),
                "contents": list(
                    object([
                        "channel": cases(MessageChannel.self), "language": output(),
                        "subject": output(nullable: true), "text": output(), "html": output(nullable: true),
                    ])),
                "created_by": output(), "created_at": timestamp(),
            ]),
            .renderedMessage: object([
                "channel": cases(MessageChannel.self), "language": output(), "version": count(),
                "subject": output(nullable: true), "text": output(), "html": output(nullable: true),
            ]),
            .message: object([
                "message_id": output(), "key": output(), "member_id": output(), "template_id": output(),
                "template_version": count(), "category": cases(MessageCategory.self),
                "channels": list(cases(MessageChannel.self)),
                "source": output(description: "api, campaign:{id} or trigger:{id}."),
                "refs": object([
                    "order_id": output(nullable: true), "coupon_code": output(nullable: true),
                    "ticket_id": output(nullable: true),
                ]),
                "status": cases(MessageStatus.self), "channel": cases(MessageChannel.self, nullable: true),
                "skip_reason": cases(SkipReason.self, nullable: true), "attempt_count": count(),
                "due_at": timestamp(), "provider_reference": output(nullable: true),
                "last_error": output(nullable: true), "created_at": timestamp(), "updated_at": timestamp(),
                "attempts": list(
                    object([
                        "attempt": count(), "channel": cases(MessageChannel.self), "started_at": timestamp(),
                        "outcome": choice(["sent", "failed", "rejected", "ambiguous"]),
                        "detail": output(nullable: true), "duration_ms": count(),
                    ]), required: false, description: "Each attempt, when one message is asked for."),
            ]),
        ]
    }
}
