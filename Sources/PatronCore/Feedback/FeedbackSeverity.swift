/// How soon feedback needs someone's attention.
public enum FeedbackSeverity: String, Sendable, Hashable, Codable, CaseIterable, Comparable {
    case low, normal, high, urgent

    public static func < (lhs: FeedbackSeverity, rhs: FeedbackSeverity) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}

/// What Patron makes of a piece of feedback when it arrives.
public struct FeedbackAssessment: Sendable, Hashable {
    public var severity: FeedbackSeverity
    /// The urgent topics its text names (food safety, injury, fraud, legal, or a shop's own).
    public var urgentTopics: [String]
    /// What its text says, when it has text.
    public var sentiment: FeedbackSentiment?
    /// What its text is about: topics of the standard taxonomy (service, quality, price, delivery, …).
    public var topics: [String]

    public init(
        severity: FeedbackSeverity, urgentTopics: [String], sentiment: FeedbackSentiment? = nil, topics: [String] = []
    ) {
        self.severity = severity
        self.urgentTopics = urgentTopics
        self.sentiment = sentiment
        self.topics = topics
    }

    /// Urgent when the text names an urgent topic; otherwise the worse of what the rating and the score say:
    /// 1–2 stars or a detractor's 0–6 is high, 3 stars or a passive's 7–8 normal, 4–5 stars or a promoter's 9–10
    /// low. Without either, the text's sentiment decides — negative high, neutral normal, positive low — so a
    /// complaint posted without stars still reaches a person; the customer's own rating, where there is one, is
    /// trusted over a model's reading of their words. With nothing to go on (an effort answer without a comment)
    /// it is low.
    public static func assess(
        _ feedback: FeedbackSubmission, urgentTerms: UrgentTerms, sentiment: FeedbackSentiment? = nil,
        topics: [String] = []
    ) -> FeedbackAssessment {
        let urgent = feedback.text.map(urgentTerms.topics(in:)) ?? []
        guard urgent.isEmpty else {
            return FeedbackAssessment(severity: .urgent, urgentTopics: urgent, sentiment: sentiment, topics: topics)
        }
        let fromRating: FeedbackSeverity? = feedback.rating.map {
            switch $0 {
            case ...2: .high
            case 3: .normal
            default: .low
            }
        }
        let fromScore: FeedbackSeverity? = feedback.score.map {
            switch $0 {
            case ...6: .high
            case 7...8: .normal
            default: .low
            }
        }
        let fromText: FeedbackSeverity =
            switch sentiment?.label {
            case .negative: .high
            case .positive: .low
            case .neutral, nil: feedback.text == nil ? .low : .normal
            }
        let severity = [fromRating, fromScore].compactMap { $0 }.max() ?? fromText
        return FeedbackAssessment(severity: severity, urgentTopics: [], sentiment: sentiment, topics: topics)
    }
}
