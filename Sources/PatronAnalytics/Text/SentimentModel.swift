#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// A linear sentiment model: weights of n-gram features (see ``SentimentFeatures``) summed into the log-odds of
/// a positive text.
///
/// Models are data: the built-in one (``builtIn``) and any a business trains on its own labelled feedback
/// (``SentimentTrainer``) share this one type and file format.
public struct SentimentModel: Sendable {
    /// Marks a feature read inside a negated clause in model keys: "¬满意" is 满意 after 不/没有/not.
    public static let negationMark = "¬"
    /// The most drivers a classification names.
    public static let driverCount = 3
    /// P(positive) between 0.4 and 0.6 reads as neutral.
    public static let defaultNeutralBand = 0.2

    /// Names the model, for audit and for the file it is saved in.
    public var name: String
    /// The log-odds of a text without any known feature.
    public var bias: Double
    /// Scores closer to 0 than this are neutral.
    public var neutralBand: Double
    /// Feature weights by key: n-gram text, prefixed with ``negationMark`` inside a negation.
    public private(set) var weights: [String: Double]
    /// What the model was trained on, when it was trained by Patron.
    public var training: SentimentTrainingSummary?
    private let table: [UInt64: Double]

    public init(
        name: String, bias: Double, neutralBand: Double, weights: [String: Double],
        training: SentimentTrainingSummary? = nil
    ) {
        self.name = name
        self.bias = bias
        self.neutralBand = neutralBand
        self.weights = weights
        self.training = training
        var table: [UInt64: Double] = [:]
        table.reserveCapacity(weights.count)
        for (key, weight) in weights {
            if let hash = Self.hash(ofKey: key) { table[hash] = weight }
        }
        self.table = table
    }

    /// Reads the sentiment of `text`, with the phrases that drove it.
    public func classify(_ text: String) -> Sentiment {
        let features = SentimentFeatures(text)
        var logOdds = bias
        var contributions: [(feature: SentimentFeatures.Feature, amount: Double)] = []
        contributions.reserveCapacity(features.features.count)
        for feature in features.features {
            guard let weight = table[feature.hash] else { continue }
            let amount = weight * feature.value
            logOdds += amount
            contributions.append((feature, amount))
        }
        let score = Self.score(logOdds: logOdds)
        let label = self.label(score: score)
        return Sentiment(
            label: label, score: score, drivers: Self.drivers(contributions, toward: label, score: score, in: features))
    }

    /// Reads the sentiment of `text` without naming drivers: what storing, evaluating and counting need.
    public func sentiment(of text: String) -> Sentiment {
        let score = Self.score(logOdds: logOdds(SentimentFeatures(text)))
        return Sentiment(label: label(score: score), score: score, drivers: [])
    }

    /// The log-odds of a text's features.
    func logOdds(_ features: SentimentFeatures) -> Double {
        features.features.reduce(bias) { sum, feature in sum + (table[feature.hash] ?? 0) * feature.value }
    }

    /// The label of a score under this model's neutral band.
    public func label(score: Double) -> SentimentLabel {
        if score >= neutralBand { return .positive }
        if score <= -neutralBand { return .negative }
        return .neutral
    }

    /// 2·P(positive) − 1 = tanh(log-odds / 2).
    static func score(logOdds: Double) -> Double {
        tanh(logOdds / 2)
    }

    /// The phrases that pushed hardest toward the label's side (for neutral, the score's side): each feature's
    /// contribution is shared among the units it covers (its negation word included), and a run of adjacent units
    /// of one clause that all push that way, each by at least a tenth of the strongest unit, is one phrase.
    private static func drivers(
        _ contributions: [(feature: SentimentFeatures.Feature, amount: Double)], toward label: SentimentLabel,
        score: Double, in features: SentimentFeatures
    ) -> [String] {
        let units = features.text.units
        let direction: Double = label == .positive || (label == .neutral && score > 0) ? 1 : -1
        var pushes = [Double](repeating: 0, count: units.count)
        for (feature, amount) in contributions {
            let span = feature.phraseStart..<feature.units.upperBound
            for position in span { pushes[position] += direction * amount / Double(span.count) }
        }
        guard let strongest = pushes.max(), strongest > 0 else { return [] }
        func qualifies(_ position: Int) -> Bool {
            pushes[position] >= strongest / 10 && units[position].kind != .mark
        }
        var phrases: [(text: String, push: Double)] = []
        var start: Int?
        for position in 0...units.count {
            if let first = start,
                position == units.count || !qualifies(position) || units[position].clause != units[first].clause
            {
                phrases.append((features.text.phrase(first..<position), pushes[first..<position].reduce(0, +)))
                start = nil
            }
            if position < units.count, start == nil, qualifies(position) { start = position }
        }
        var seen = Set<String>()
        return phrases.sorted { $0.push > $1.push }.map(\.text).filter { seen.insert($0).inserted }.prefix(driverCount)
            .map { $0 }
    }

    /// The hash of a model key, or nil when the key is not one feature (empty, or text spanning clauses).
    static func hash(ofKey key: String) -> UInt64? {
        let negated = key.hasPrefix(negationMark)
        let body = negated ? String(key.dropFirst(negationMark.count)) : key
        let text = SegmentedText(normalized: TextNormalizer.normalize(body))
        guard let first = text.units.first, text.units.dropFirst().allSatisfy({ $0.continuesNGram(of: first) })
        else { return nil }
        return FeatureHash.ngram(text.units[...], negated: negated)
    }
}
