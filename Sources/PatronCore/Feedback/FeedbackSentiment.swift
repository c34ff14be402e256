/// What the text of a piece of feedback says, as read by the sentiment model in force when it arrived.
public struct FeedbackSentiment: Sendable, Hashable {
    public enum Label: String, Sendable, Hashable, Codable, CaseIterable {
        case positive, neutral, negative
    }

    public var label: Label
    /// From -1 (most negative) to 1 (most positive).
    public var score: Double

    public init(label: Label, score: Double) {
        self.label = label
        self.score = score
    }
}
