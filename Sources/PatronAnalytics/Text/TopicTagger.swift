/// Finds a taxonomy's topics in text, on the normalised form (Simplified, lower case).
public struct TopicTagger: Sendable {
    private struct Keyword: Sendable {
        var scalars: [Unicode.Scalar]
        /// Latin keywords match whole words only: "late" is not in "chocolate".
        var wholeWord: Bool
        var topic: Int
    }

    /// Keywords by their first character, so that a text is scanned once, not once per keyword.
    private let keywordsByFirst: [Unicode.Scalar: [Keyword]]
    public let taxonomy: TopicTaxonomy

    public init(_ taxonomy: TopicTaxonomy) {
        self.taxonomy = taxonomy
        var keywords: [Unicode.Scalar: [Keyword]] = [:]
        for (index, topic) in taxonomy.topics.enumerated() {
            for word in topic.keywords {
                let scalars = TextNormalizer.normalize(word)
                guard let first = scalars.first else { continue }
                keywords[first, default: []].append(
                    Keyword(scalars: scalars, wholeWord: scalars.allSatisfy { !SegmentedText.isHan($0) }, topic: index))
            }
        }
        keywordsByFirst = keywords
    }

    /// The ids of the topics `text` mentions, in taxonomy order.
    public func topicIDs(in text: String) -> [String] {
        topics(in: TextNormalizer.normalize(text)).map { taxonomy.topics[$0].id }
    }

    /// The indices of the topics `text` mentions, in taxonomy order.
    func topics(in text: [Unicode.Scalar]) -> [Int] {
        var found: [Int] = []
        for start in text.indices {
            guard let candidates = keywordsByFirst[text[start]] else { continue }
            for keyword in candidates where !found.contains(keyword.topic) && matches(text, keyword, at: start) {
                found.append(keyword.topic)
            }
        }
        return found.sorted()
    }

    private func matches(_ text: [Unicode.Scalar], _ keyword: Keyword, at start: Int) -> Bool {
        let end = start + keyword.scalars.count
        guard end <= text.count, text[start..<end].elementsEqual(keyword.scalars) else { return false }
        guard keyword.wholeWord else { return true }
        let before = start == 0 || !SegmentedText.isWordCharacter(text[start - 1])
        let after = end == text.count || !SegmentedText.isWordCharacter(text[end])
        return before && after
    }
}
