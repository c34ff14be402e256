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
                    body: input(["text": text(maxLength: FeedbackSubmission.maximumTextLength)]),
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
                    body: freeForm(
                        description: "A patron-sentiment-model file (format, version, name, bias, neutral_band, "
                            + "weights, training)."),
                    answers: [.created(ref(.sentimentModel), "Installed and in force")],
                    failures: [
                        (.unprocessable, "The body is not a sentiment model file of a known format version."),
                        (.contentTooLarge, "The file is larger than 64 MiB."),
                    ])),
            "/v1/sentiment/models/{version}/activation": .init(
                post: operation(
                    "Put an installed version, or the built-in model (0), back in force",
                    id: "activateSentimentModel", scope: .programWrite,
                    parameters: [pathID("version", "The version to put in force; 0 is the built-in model.")],
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
            .sentimentModelList: object([
                "active_version": count(), "data": list(ref(.sentimentModel)),
            ]),
        ]
    }
}
