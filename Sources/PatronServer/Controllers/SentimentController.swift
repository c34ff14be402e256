import Foundation
import Hummingbird
import PatronAnalytics
import PatronCore
import PatronStore

/// `/v1/sentiment`: reading a text with the model in force, and the models a business trained on its own
/// feedback (`patron sentiment train`): installed as new versions, any version put back in force.
struct SentimentController {
    let store: Store
    /// A model file holds every weight of the built-in model too: a few megabytes.
    static let modelSizeLimit = 64 << 20

    func addRoutes(to group: RouterGroup<PatronRequestContext>) {
        group.post("sentiment/classifications", use: classify)
        group.post("sentiment/models", use: install)
        group.get("sentiment/models", use: list)
        group.post("sentiment/models/{version}/activation", use: activate)
    }

    @Sendable func classify(_ request: Request, context: PatronRequestContext) async throws -> Response {
        try context.require(.feedbackRead)
        let (body, _) = try await JSONBody.read(request, context: context)
        var reader = FieldReader(body)
        let text = reader.string("text", required: true, maxLength: FeedbackSubmission.maximumTextLength)
        try reader.finish()
        guard let text else { throw ValidationFailure(pointer: "/text", detail: "is required") }
        let (version, sentiment) = try await store.sentiment(of: text)
        return try JSONBody.response(SentimentResource(sentiment: sentiment, modelVersion: version))
    }

    @Sendable func install(_ request: Request, context: PatronRequestContext) async throws -> Response {
        try context.require(.programWrite)
        let (_, data) = try await JSONBody.readWithText(request, context: context, limit: Self.modelSizeLimit)
        let model: SentimentModel
        do {
            model = try JSONDecoder().decode(SentimentModel.self, from: data)
        } catch {
            throw ValidationFailure(
                pointer: "/", detail: "is not a sentiment model file: \(SentimentModel.describe(error))")
        }
        let name = model.name.unicodeScalars
        guard !model.name.trimmingWhitespace().isEmpty, name.count <= 200, !name.contains("\u{0}") else {
            throw ValidationFailure(pointer: "/name", detail: "must be 1 to 200 characters, not blank")
        }
        let version = try await store.installSentimentModel(model, by: context.actorID, at: store.clock.now)
        return try JSONBody.response(
            SentimentModelResource(version: version, activeVersion: version.version), status: .created)
    }

    @Sendable func list(_ request: Request, context: PatronRequestContext) async throws -> Response {
        try context.require(.feedbackRead)
        let (active, versions) = try await store.sentimentModels()
        return try JSONBody.response(
            SentimentModelListResource(
                activeVersion: active,
                data: versions.map { SentimentModelResource(version: $0, activeVersion: active) }))
    }

    @Sendable func activate(_ request: Request, context: PatronRequestContext) async throws -> Response {
        try context.require(.programWrite)
        let text = try context.parameters.require("version")
        guard text.utf8.count <= 18, text.utf8.allSatisfy({ (0x30...0x39).contains($0) }), let version = Int64(text)
        else {
            throw ValidationFailure(pointer: "/version", detail: "must be a version number (0 is the built-in model)")
        }
        try await store.activateSentimentModel(version: version, by: context.actorID, at: store.clock.now)
        let (active, versions) = try await store.sentimentModels()
        guard let chosen = versions.first(where: { $0.version == version }) else {
            throw SentimentModelError.unknownVersion(version)
        }
        return try JSONBody.response(SentimentModelResource(version: chosen, activeVersion: active))
    }
}
