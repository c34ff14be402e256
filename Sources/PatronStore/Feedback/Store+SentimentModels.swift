import Foundation
import PatronAnalytics
import PatronCore
import SQLKit

/// An installed sentiment model, without its weights.
public struct SentimentModelVersion: Sendable {
    /// 0 is the built-in model.
    public var version: Int64
    public var name: String
    public var training: SentimentTrainingSummary?
    public var installedBy: String?
    /// Nil for the built-in model.
    public var installedAt: Timestamp?
}

/// The parts of a stored model file that describe it.
private struct ModelHeader: Decodable {
    var name: String
    var training: SentimentTrainingSummary?
}

extension Store {
    /// Installs a trained model as the next version and puts it in force for feedback from now on (feedback
    /// already read keeps its sentiment). Every version is kept, so an earlier one can be put back.
    public func installSentimentModel(
        _ model: SentimentModel, by actor: String?, at now: Timestamp
    ) async throws -> SentimentModelVersion {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let text = String(decoding: try encoder.encode(model), as: UTF8.self)
        let engine = database.engine
        let version = try await database.write { database in
            if engine == .postgres {
                // Versions and activations are numbered in order; concurrent installs take turns.
                try await database.raw("LOCK TABLE sentiment_models IN EXCLUSIVE MODE").run()
            }
            let version =
                try await database.raw(
                    "SELECT CAST(COALESCE(MAX(version), 0) AS BIGINT) + 1 AS next FROM sentiment_models"
                )
                .first()?.decode(column: "next", as: Int64.self) ?? 1
            try await database.raw(
                """
                INSERT INTO sentiment_models (version, name, model, installed_by, installed_at)
                VALUES (\(bind: version), \(bind: model.name), \(bind: text), \(bind: actor),
                        \(bind: now.millisecondsSinceEpoch))
                """
            ).run()
            try await Self.activate(version, by: actor, at: now, in: database)
            return version
        }
        await sentimentModels.forget()
        return SentimentModelVersion(
            version: version, name: model.name, training: model.training, installedBy: actor, installedAt: now)
    }

    /// Puts an installed version (or 0, the built-in model) back in force.
    public func activateSentimentModel(version: Int64, by actor: String?, at now: Timestamp) async throws {
        let engine = database.engine
        try await database.write { database in
            if engine == .postgres {
                try await database.raw("LOCK TABLE sentiment_models IN EXCLUSIVE MODE").run()
            }
            if version != 0 {
                let known = try await database.raw(
                    "SELECT version FROM sentiment_models WHERE version = \(bind: version)"
                ).first()
                guard known != nil else { throw SentimentModelError.unknownVersion(version) }
            }
            try await Self.activate(version, by: actor, at: now, in: database)
        }
        await sentimentModels.forget()
    }

    /// The version in force and every version there is, the built-in one first.
    public func sentimentModels() async throws -> (active: Int64, versions: [SentimentModelVersion]) {
        try await database.read { database in
            let active = try await SentimentModelBook.latestActivation(in: database).version
            let rows = try await database.raw(
                "SELECT version, model, installed_by, installed_at FROM sentiment_models ORDER BY version"
            ).all()
            let builtIn = SentimentModel.builtIn
            var versions = [
                SentimentModelVersion(
                    version: 0, name: builtIn.name, training: builtIn.training, installedBy: nil, installedAt: nil)
            ]
            for row in rows {
                // Only the name and the summary: building a model's weight table is for classifying.
                let model = try JSONDecoder().decode(
                    ModelHeader.self, from: Data(try row.decode(column: "model", as: String.self).utf8))
                versions.append(
                    SentimentModelVersion(
                        version: try row.decode(column: "version", as: Int64.self), name: model.name,
                        training: model.training, installedBy: try row.decode(column: "installed_by", as: String?.self),
                        installedAt: Timestamp(
                            millisecondsSinceEpoch: try row.decode(column: "installed_at", as: Int64.self))))
            }
            return (active, versions)
        }
    }

    /// Reads `text` with the model in force, and says which version that is.
    public func sentiment(of text: String) async throws -> (modelVersion: Int64, sentiment: Sentiment) {
        let book = sentimentModels
        let (version, model) = try await database.read { try await book.current(in: $0) }
        return (version, model.classify(text))
    }

    private static func activate(
        _ version: Int64, by actor: String?, at now: Timestamp, in database: any SQLDatabase
    ) async throws {
        let activation =
            try await database.raw(
                "SELECT CAST(COALESCE(MAX(activation), 0) AS BIGINT) + 1 AS next FROM sentiment_model_activations"
            ).first()?.decode(column: "next", as: Int64.self) ?? 1
        try await database.raw(
            """
            INSERT INTO sentiment_model_activations (activation, version, activated_by, activated_at)
            VALUES (\(bind: activation), \(bind: version), \(bind: actor), \(bind: now.millisecondsSinceEpoch))
            """
        ).run()
    }
}
