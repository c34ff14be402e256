/// What customers talked about in a period: each topic's mentions, its sentiment and its change against the
/// period before, with example texts.
public struct TopicRow: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable {
        /// A topic of the taxonomy.
        case taxonomy
        /// A phrase many texts share that no taxonomy topic covers.
        case found
    }

    /// The taxonomy topic's id, or the found phrase.
    public var topic: String
    public var nameZH: String
    public var nameEN: String
    public var kind: Kind
    /// Texts of the period that mention it.
    public var mentions: Int
    /// Mentions as a share of the period's texts.
    public var share: Double
    /// Texts of the previous period that mention it; nil without a previous period.
    public var previousMentions: Int?
    /// The change of its share against the previous period, in percentage points; nil without one.
    public var shareChange: Double?
    public var positive: Int
    public var neutral: Int
    public var negative: Int
    /// The mean sentiment score of the texts that mention it.
    public var meanScore: Double
    /// Up to three of its texts, the most negative first: what a service team reads first.
    public var examples: [String]
}

/// Counts topics — a taxonomy's and phrases found in the texts themselves — and reads their sentiment.
public struct TopicFinder: Sendable {
    public let taxonomy: TopicTaxonomy
    public var model: SentimentModel
    /// How many found phrases to report at most.
    public var foundLimit: Int
    /// A found phrase must occur in at least this many texts.
    public var minimumTexts: Int
    private let matcher: TopicTagger

    public init(taxonomy: TopicTaxonomy = .standard, model: SentimentModel, foundLimit: Int = 10, minimumTexts: Int = 3)
    {
        self.taxonomy = taxonomy
        self.matcher = TopicTagger(taxonomy)
        self.model = model
        self.foundLimit = foundLimit
        self.minimumTexts = minimumTexts
    }

    /// The taxonomy topics a text mentions, by id.
    public func topics(of text: String) -> [String] {
        matcher.topicIDs(in: text)
    }

    /// The topic table of `texts`, compared with `previous` when given: taxonomy topics first, most mentioned
    /// first, then found phrases.
    public func table(_ texts: [String], previous: [String]? = nil) -> [TopicRow] {
        let normalized = texts.map(TextNormalizer.normalize)
        let sentiments = texts.map(model.sentiment(of:))
        let topicsOfText = normalized.map(matcher.topics(in:))
        let previousNormalized = previous?.map(TextNormalizer.normalize)
        let previousTopics = previousNormalized?.map(matcher.topics(in:))

        var rows: [TopicRow] = []
        for (index, topic) in taxonomy.topics.enumerated() {
            let members = texts.indices.filter { topicsOfText[$0].contains(index) }
            let before = previousTopics.map { $0.count { $0.contains(index) } }
            rows.append(
                row(
                    topic.id, nameZH: topic.nameZH, nameEN: topic.nameEN, kind: .taxonomy, members: members,
                    texts: texts, sentiments: sentiments, previousMentions: before, previousCount: previous?.count))
        }
        rows.sort { $0.mentions > $1.mentions }

        let uncovered = texts.indices.filter { topicsOfText[$0].isEmpty }
        for phrase in PhraseFinder.phrases(
            in: uncovered.map { normalized[$0] }, minimumTexts: minimumTexts, limit: foundLimit)
        {
            let members = uncovered.filter { normalized[$0].contains(phrase.scalars) }
            let before = previousNormalized.map { $0.count { $0.contains(phrase.scalars) } }
            rows.append(
                row(
                    phrase.text, nameZH: phrase.text, nameEN: phrase.text, kind: .found, members: members, texts: texts,
                    sentiments: sentiments, previousMentions: before, previousCount: previous?.count))
        }
        return rows
    }

    private func row(
        _ topic: String, nameZH: String, nameEN: String, kind: TopicRow.Kind, members: [Int], texts: [String],
        sentiments: [Sentiment], previousMentions: Int?, previousCount: Int?
    ) -> TopicRow {
        let share = texts.isEmpty ? 0 : Double(members.count) / Double(texts.count)
        var change: Double?
        if let previousMentions, let previousCount {
            let previousShare = previousCount == 0 ? 0 : Double(previousMentions) / Double(previousCount)
            change = (share - previousShare) * 100
        }
        let scores = members.map { sentiments[$0].score }
        return TopicRow(
            topic: topic, nameZH: nameZH, nameEN: nameEN, kind: kind, mentions: members.count, share: share,
            previousMentions: previousMentions, shareChange: change,
            positive: members.count { sentiments[$0].label == .positive },
            neutral: members.count { sentiments[$0].label == .neutral },
            negative: members.count { sentiments[$0].label == .negative },
            meanScore: scores.isEmpty ? 0 : scores.reduce(0, +) / Double(scores.count),
            examples: members.sorted { sentiments[$0].score < sentiments[$1].score }.prefix(3).map { texts[$0] })
    }
}

extension Array where Element == Unicode.Scalar {
    fileprivate func contains(_ phrase: [Unicode.Scalar]) -> Bool {
        guard !phrase.isEmpty, phrase.count <= count else { return false }
        for start in 0...(count - phrase.count) where self[start] == phrase[0] {
            if self[start..<start + phrase.count].elementsEqual(phrase) { return true }
        }
        return false
    }
}
