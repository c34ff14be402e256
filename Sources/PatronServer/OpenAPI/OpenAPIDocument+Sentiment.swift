import OpenAPIKit
import PatronAnalytics
import PatronCore

/// Reading the sentiment of a text, and the sentiment models a business trains on its own feedback.
extension OpenAPIDocument {
    static var sentimentPaths: [OpenAPI.Path: OpenAPI.PathItem] {
        [
            "/v1/sentiment/classifications": .init(
                post: operation(
                    "Read a text's sentiment with the model in force, and the phrases that decided it",
                    id: "classifySentiment", scope: .feedbackRead,
                    body: input(["text": text(maxLength: FeedbackSubmission.maximumTextLength, nonBlank: true)]),
                    answers: [.ok(ref(.sentiment))],
                    failures: [(.unprocessable, "`text` is missing or too long.")])),
            "/v1/sentiment/models": .init(
                get: operation(
                    "The sentiment models: the built-in one (version 0) and every version installed, which one is in "
                        + "force", id: "listSentimentModels", scope: .feedbackRead,
                    answers: [.ok(ref(.sentimentModelList))]),
                post: operation(
                    "Install a model file from `patron sentiment train` as the next version and put it in force for "
                        + "feedback from now on; earlier versions are kept",
                    id: "installSentimentModel", scope: .programWrite,
                    body: ref(.sentimentModelFile),
                    answers: [.created(ref(.sentimentModel), "Installed and in force")],
                    failures: [
                        (.unprocessable, "The body is not a sentiment model file of a known format version."),
                        (.contentTooLarge, "The file is larger than 64 MiB."),
                    ])),
            "/v1/sentiment/models/{version}/activation": .init(
                post: operation(
                    "Put an installed version, or the built-in model (0), back in force",
                    id: "activateSentimentModel", scope: .programWrite,
                    parameters: [
                        .path(
                            name: "version", schema: .string(pattern: "^[0-9]{1,18}$"),
                            description: "The version to put in force; 0 is the built-in model.")
                    ],
                    answers: [.ok(ref(.sentimentModel))],
                    failures: [
                        (.notFound, "No installed model has this version."),
                        (.unprocessable, "The version is not a whole number."),
                    ])),
        ]
    }

    static var sentimentSchemas: [SchemaName: JSONSchema] {
        [
            .sentiment: object([
                "label": cases(SentimentLabel.self), "score": number(-1, 1, description: "2·P(positive) − 1."),
                "drivers": list(output(), description: "The phrases that weighed most toward the label."),
                "model_version": count(description: "The model that read it; 0 is the built-in model."),
            ]),
            .sentimentModel: object([
                "version": count(), "name": output(), "active": boolean(),
                "installed_by": output(nullable: true), "installed_at": timestamp(nullable: true),
                "training": .object(
                    required: true, nullable: true,
                    properties: [
                        "positive": count(), "neutral": count(), "negative": count(),
                        "base": output(nullable: true), "base_scale": number(nullable: true),
                        "regularization": number(), "features": count(), "iterations": count(),
                        "converged": boolean(),
                    ], additionalProperties: .init(false)),
            ]),
            .sentimentModelFile: .object(
                description: "A file written by `patron sentiment train`.",
                properties: [
                    "format": .string(allowedValues: AnyCodable(SentimentModel.format)),
                    "version": .integer(allowedValues: AnyCodable(SentimentModel.formatVersion)),
                    "name": text(maxLength: 200, nonBlank: true),
                    "bias": number(-SentimentModel.weightLimit, SentimentModel.weightLimit),
                    "neutral_band": .number(maximum: (1, exclusive: true), minimum: (0, exclusive: false)),
                    "weights": .object(
                        description: "Log-odds weight by feature: an n-gram, after ¬ when negated.",
                        additionalProperties: .init(
                            .number(
                                maximum: (SentimentModel.weightLimit, exclusive: false),
                                minimum: (-SentimentModel.weightLimit, exclusive: false)))),
                    "training": .object(
                        required: false, nullable: true,
                        properties: [
                            "positive": integer(0), "neutral": integer(0), "negative": integer(0),
                            "base": .string(required: false, nullable: true),
                            "base_scale": .number(required: false, nullable: true), "regularization": number(),
                            "features": integer(0), "iterations": integer(0), "converged": boolean(),
                        ]),
                ]),
            .sentimentModelList: object([
                "active_version": count(), "data": list(ref(.sentimentModel)),
            ]),
        ]
    }
}
