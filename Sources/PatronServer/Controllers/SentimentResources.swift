import PatronAnalytics
import PatronStore

/// A text's sentiment as the API shows it.
struct SentimentResource: Encodable {
    let sentiment: Sentiment
    let modelVersion: Int64

    private enum CodingKeys: String, CodingKey {
        case label, score, drivers
        case modelVersion = "model_version"
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(sentiment.label.rawValue, forKey: .label)
        try container.encode(sentiment.score, forKey: .score)
        try container.encode(sentiment.drivers, forKey: .drivers)
        try container.encode(modelVersion, forKey: .modelVersion)
    }
}

/// An installed sentiment model, without its weights.
struct SentimentModelResource: Encodable {
    let version: SentimentModelVersion
    let activeVersion: Int64

    private enum CodingKeys: String, CodingKey {
        case version, name, training, active
        case installedBy = "installed_by"
        case installedAt = "installed_at"
    }

    private enum TrainingKeys: String, CodingKey {
        case positive, neutral, negative, base, regularization, features, iterations, converged
        case baseScale = "base_scale"
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(version.version, forKey: .version)
        try container.encode(version.name, forKey: .name)
        try container.encode(version.version == activeVersion, forKey: .active)
        try container.encode(version.installedBy, forKey: .installedBy)
        try container.encode(version.installedAt, forKey: .installedAt)
        guard let training = version.training else { return try container.encodeNil(forKey: .training) }
        var nested = container.nestedContainer(keyedBy: TrainingKeys.self, forKey: .training)
        try nested.encode(training.positive, forKey: .positive)
        try nested.encode(training.neutral, forKey: .neutral)
        try nested.encode(training.negative, forKey: .negative)
        try nested.encode(training.base, forKey: .base)
        try nested.encode(training.baseScale, forKey: .baseScale)
        try nested.encode(training.regularization, forKey: .regularization)
        try nested.encode(training.features, forKey: .features)
        try nested.encode(training.iterations, forKey: .iterations)
        try nested.encode(training.converged, forKey: .converged)
    }
}

struct SentimentModelListResource: Encodable {
    let activeVersion: Int64
    let data: [SentimentModelResource]

    private enum CodingKeys: String, CodingKey {
        case data
        case activeVersion = "active_version"
    }
}
