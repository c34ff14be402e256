import Foundation
import PatronAnalytics
import PatronCore
import SQLKit

/// The sentiment model in force, cached: the latest activation names a version, version 0 being the built-in
/// model. Like the program, a change made on another node is seen within a few seconds.
public actor SentimentModelBook {
    private var cached: (activation: Int64, version: Int64, model: SentimentModel, loadedAt: Int64)?
    let refreshMilliseconds: Int64 = 5_000

    public init() {}

    func current(in database: any SQLDatabase) async throws -> (version: Int64, model: SentimentModel) {
        let now = WallClock.system.milliseconds
        if let cached, now - cached.loadedAt < refreshMilliseconds { return (cached.version, cached.model) }
        let activation = try await Self.latestActivation(in: database)
        if let cached, cached.activation == activation.activation {
            self.cached?.loadedAt = now
            return (cached.version, cached.model)
        }
        let model = try await Self.load(version: activation.version, in: database)
        remember(activation: activation.activation, version: activation.version, model: model, at: now)
        return (activation.version, model)
    }

    /// What `text` says, read by the model in force.
    func read(_ text: String, in database: any SQLDatabase) async throws -> FeedbackSentiment {
        let sentiment = try await current(in: database).model.sentiment(of: text)
        let label: FeedbackSentiment.Label =
            switch sentiment.label {
            case .positive: .positive
            case .neutral: .neutral
            case .negative: .negative
            }
        return FeedbackSentiment(label: label, score: sentiment.score)
    }

    /// Drops the cached model after a change on this node, so the next read loads what is now in force.
    func forget() {
        cached = nil
    }

    /// Caches a model unless a later activation is cached already.
    func remember(activation: Int64, version: Int64, model: SentimentModel, at now: Int64) {
        if let cached, cached.activation > activation { return }
        cached = (activation, version, model, now)
    }

    static func latestActivation(in database: any SQLDatabase) async throws -> (activation: Int64, version: Int64) {
        guard
            let row = try await database.raw(
                "SELECT activation, version FROM sentiment_model_activations ORDER BY activation DESC LIMIT 1"
            ).first()
        else { return (0, 0) }
        return (try row.decode(column: "activation", as: Int64.self), try row.decode(column: "version", as: Int64.self))
    }

    static func load(version: Int64, in database: any SQLDatabase) async throws -> SentimentModel {
        guard version != 0 else { return .builtIn }
        guard
            let text = try await database.raw("SELECT model FROM sentiment_models WHERE version = \(bind: version)")
                .first()?.decode(column: "model", as: String.self)
        else { throw SentimentModelError.unknownVersion(version) }
        return try JSONDecoder().decode(SentimentModel.self, from: Data(text.utf8))
    }
}

public enum SentimentModelError: Error, Sendable, Hashable {
    /// No installed model has this version.
    case unknownVersion(Int64)
}
