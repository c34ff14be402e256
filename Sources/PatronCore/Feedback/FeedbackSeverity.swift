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

    public init(severity: FeedbackSeverity, urgentTopics: [String]) {
        self.severity = severity
        self.urgentTopics = urgentTopics
    }

    /// Urgent when the text names an urgent topic; otherwise the worse of what the rating and the score say:
    /// 1–2 stars or a detractor's 0–6 is high, 3 stars or a passive's 7–8 normal, 4–5 stars or a promoter's 9–10
    /// low. Text alone is normal; with nothing to go on (an effort answer without a comment) it is low.
    public static func assess(_ feedback: FeedbackSubmission, urgentTerms: UrgentTerms) -> FeedbackAssessment {
        let topics = feedback.text.map(urgentTerms.topics(in:)) ?? []
        guard topics.isEmpty else { return FeedbackAssessment(severity: .urgent, urgentTopics: topics) }
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
        let severity = [fromRating, fromScore].compactMap { $0 }.max() ?? (feedback.text == nil ? .low : .normal)
        return FeedbackAssessment(severity: severity, urgentTopics: [])
    }
}
