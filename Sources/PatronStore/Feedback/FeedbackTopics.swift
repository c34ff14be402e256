import PatronAnalytics

/// What feedback text is about: the standard taxonomy's topics (service, quality, price, delivery, environment,
/// taste, packaging), found in Chinese and English.
enum FeedbackTopics {
    static let tagger = TopicTagger(.standard)

    static func of(_ text: String) -> [String] {
        tagger.topicIDs(in: text)
    }
}
