/// The program's settings for feedback.
public struct FeedbackSettings: Sendable, Hashable, Encodable {
    /// Terms that make feedback urgent, by topic.
    public var urgentTerms: UrgentTerms

    public init(urgentTerms: UrgentTerms) {
        self.urgentTerms = urgentTerms
    }

    public static let standard = FeedbackSettings(urgentTerms: .standard)

    enum CodingKeys: String, CodingKey {
        case urgentTerms = "urgent_terms"
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(urgentTerms.topics, forKey: .urgentTerms)
    }
}
