/// Finds a taxonomy's topics in text, on the normalised form (Simplified, lower case).
struct TopicMatcher: Sendable {
    private struct Keyword: Sendable {
        var scalars: [Unicode.Scalar]
        /// Latin keywords match whole words only: "late" is not in "chocolate".
        var wholeWord: Bool
        var topic: Int
    }

    private let keywords: [Keyword]
    let taxonomy: TopicTaxonomy

    init(_ taxonomy: TopicTaxonomy) {
        self.taxonomy = taxonomy
        keywords = taxonomy.topics.enumerated().flatMap { index, topic in
            topic.keywords.map { word in
                let scalars = TextNormalizer.normalize(word)
                return Keyword(
                    scalars: scalars, wholeWord: scalars.allSatisfy { !SegmentedText.isHan($0) }, topic: index)
            }
        }
    }

    /// The indices of the topics `scalars` mentions, in taxonomy order.
    func topics(in scalars: [Unicode.Scalar]) -> [Int] {
        var found = Set<Int>()
        for keyword in keywords where !found.contains(keyword.topic) {
            if contains(scalars, keyword) { found.insert(keyword.topic) }
        }
        return found.sorted()
    }

    private func contains(_ text: [Unicode.Scalar], _ keyword: Keyword) -> Bool {
        let word = keyword.scalars
        guard !word.isEmpty, word.count <= text.count else { return false }
        var start = 0
        while start + word.count <= text.count {
            if text[start] == word[0], text[start..<start + word.count].elementsEqual(word) {
                let before = start == 0 || !SegmentedText.isWordCharacter(text[start - 1])
                let after = start + word.count == text.count || !SegmentedText.isWordCharacter(text[start + word.count])
                if !keyword.wholeWord || (before && after) { return true }
            }
            start += 1
        }
        return false
    }
}
