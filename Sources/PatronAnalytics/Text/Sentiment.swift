/// Whether a text is positive, neutral or negative.
public enum SentimentLabel: String, Sendable, Hashable, CaseIterable, Codable {
    case positive
    case neutral
    case negative
}

/// What the sentiment model read in one text.
public struct Sentiment: Sendable, Hashable {
    public var label: SentimentLabel
    /// From -1 (most negative) to 1 (most positive): 2·P(positive) − 1.
    public var score: Double
    /// The words or phrases that weighed most towards the label, strongest first.
    public var drivers: [String]

    public init(label: SentimentLabel, score: Double, drivers: [String]) {
        self.label = label
        self.score = score
        self.drivers = drivers
    }
}
