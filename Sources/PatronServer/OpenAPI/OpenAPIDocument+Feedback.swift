import OpenAPIKit
import PatronCore

/// Feedback from every channel.
extension OpenAPIDocument {
    static var feedbackPaths: [OpenAPI.Path: OpenAPI.PathItem] {
        [
            "/v1/feedback": .init(
                get: operation(
                    "Feedback, newest first", id: "listFeedback", scope: .feedbackRead,
                    parameters: [
                        query(
                            "member_id", text(maxLength: 64, nonBlank: true, required: false),
                            "Only this member's feedback."),
                        query("severity", cases(FeedbackSeverity.self, required: false), "Only this severity."),
                        limit, cursor,
                    ],
                    answers: [.ok(page(of: .feedback))],
                    failures: [(.unprocessable, "A parameter is malformed.")]),
                post: operation(
                    "Record feedback from a channel, assessed on arrival; replaying a feedback_id with the same body "
                        + "answers 200 with the first answer. A member token may give its own member's feedback "
                        + "(member_id must be that member).",
                    id: "submitFeedback", scope: .feedbackWrite, body: ref(.feedbackInput),
                    answers: [.created(ref(.feedback)), .ok(ref(.feedback), "A replay of recorded feedback")],
                    failures: [
                        (.gone, Failure.gone.meaning),
                        (.conflict, "The feedback_id was already recorded with different content."),
                        (
                            .unprocessable,
                            "A field is invalid, member_id names no member (or not the token's), or there is "
                                + "neither a rating, a score nor text."
                        ),
                    ])),
            "/v1/feedback/{feedback_id}": .init(
                get: operation(
                    "A piece of feedback", id: "getFeedback", scope: .feedbackRead,
                    parameters: [pathID("feedback_id", "The feedback's id, as its channel gave it.")],
                    answers: [.ok(ref(.feedback))], failures: [(.notFound, "No feedback has this id.")])),
        ]
    }

    static var feedbackSchemas: [SchemaName: JSONSchema] {
        let contactFields: OrderedDictionary<String, JSONSchema> = [
            "name": text(maxLength: 200, required: false), "email": text(maxLength: 254, required: false),
            "phone": text(maxLength: 32, required: false),
        ]
        return [
            .feedbackInput: JSONSchema.all(of: [
                input([
                    "feedback_id": text(maxLength: 128, nonBlank: true),
                    "channel": cases(FeedbackChannel.self),
                    "member_id": text(
                        maxLength: 64, nonBlank: true, required: false, description: "An existing member, if known."),
                    "contact": input(
                        contactFields, required: false,
                        description: "How to reach someone who is not a member (or not known as one)."),
                    "order_id": text(maxLength: 128, required: false),
                    "store_id": text(maxLength: 128, required: false),
                    "rating": integer(1, 5, required: false, description: "Stars, 1 (worst) to 5."),
                    "score": integer(0, 10, required: false, description: "0 to 10, as an NPS question asks."),
                    "text": text(maxLength: FeedbackSubmission.maximumTextLength, required: false),
                    "language": pattern(
                        "^[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*$", maxLength: 35, required: false,
                        description: "A BCP 47 tag such as zh-CN or en."),
                    "tags": list(
                        text(maxLength: 64, nonBlank: true), maxItems: FeedbackSubmission.maximumTags, required: false),
                    "submitted_at": instant(
                        required: false, description: "When it was given; now when absent; at most 5 minutes ahead."),
                ]),
                .any(of: [
                    .object(properties: ["rating": .integer]), .object(properties: ["score": .integer]),
                    .object(properties: ["text": .string(minLength: 1, pattern: nonBlankText)]),
                ]),
            ]),
            .feedback: object([
                "feedback_id": output(), "channel": cases(FeedbackChannel.self),
                "member_id": output(nullable: true),
                "contact": .object(
                    required: true, nullable: true,
                    properties: [
                        "name": output(nullable: true), "email": output(nullable: true),
                        "phone": output(nullable: true),
                    ], additionalProperties: .init(false)),
                "order_id": output(nullable: true), "store_id": output(nullable: true),
                "rating": integer(1, 5, nullable: true), "score": integer(0, 10, nullable: true),
                "text": output(nullable: true, description: "Null once removed by retention or erasure."),
                "language": output(nullable: true), "tags": list(output()),
                "severity": cases(
                    FeedbackSeverity.self,
                    description:
                        "urgent when the text names an urgent topic; else from the rating or score: 1–2 stars or "
                        + "0–6 high, 3 stars or 7–8 normal, 4–5 stars or 9–10 low; text alone by its sentiment: "
                        + "negative high, neutral normal, positive low."),
                "urgent_topics": list(output()),
                "topics": list(
                    output(),
                    description: "What the text is about: service, quality, price, delivery, environment, taste, "
                        + "packaging."),
                "sentiment": .object(
                    required: true, nullable: true,
                    description: "What the text says, read by the sentiment model in force when it arrived; null "
                        + "without text.",
                    properties: [
                        "label": cases(FeedbackSentiment.Label.self), "score": number(-1, 1),
                    ], additionalProperties: .init(false)),
                "submitted_at": timestamp(), "received_at": timestamp(),
                "text_removed_at": timestamp(nullable: true),
                "ticket_id": output(
                    nullable: true, description: "The ticket it opened: high and urgent feedback needs a person."),
            ]),
        ]
    }
}
