/// The named RFM segments.
public enum RFMSegment: String, Sendable, Hashable, Codable, CaseIterable {
    case champions = "Champions"
    case loyal = "Loyal"
    case potentialLoyalist = "Potential Loyalist"
    case new = "New"
    case promising = "Promising"
    case needAttention = "Need Attention"
    case aboutToSleep = "About to Sleep"
    case atRisk = "At Risk"
    case cannotLoseThem = "Can't Lose Them"
    case hibernating = "Hibernating"
    case lost = "Lost"
}

/// Recency, frequency and monetary quintile scores, each 1…5 with 5 the best.
public struct RFMScore: Sendable, Hashable, Codable {
    /// Recency score: 5 for the most recent buyers.
    public var recency: Int
    /// Frequency score: 5 for the most frequent buyers.
    public var frequency: Int
    /// Monetary score: 5 for the biggest spenders.
    public var monetary: Int

    /// The segment the table gives this score. Scores are always 1…5 and the table covers that whole range, so
    /// `lost` (the last rule's) is only a formality.
    public var segment: RFMSegment { RFMSegmentTable.segment(for: self) ?? .lost }

    /// Creates a score.
    public init(recency: Int, frequency: Int, monetary: Int) {
        self.recency = recency
        self.frequency = frequency
        self.monetary = monetary
    }

    /// The combined frequency–monetary score, ⌈(f + m) / 2⌉, so value counts alongside how often a customer buys.
    public var frequencyMonetary: Int { (frequency + monetary + 1) / 2 }
}

/// One row of the segment table: the segment for a box of recency and frequency–monetary scores.
public struct RFMSegmentRule: Sendable, Hashable {
    /// The segment assigned.
    public var segment: RFMSegment
    /// The recency scores the rule covers.
    public var recency: ClosedRange<Int>
    /// The combined frequency–monetary scores (``RFMScore/frequencyMonetary``) the rule covers.
    public var frequencyMonetary: ClosedRange<Int>

    /// Whether the rule covers `score`.
    public func matches(_ score: RFMScore) -> Bool {
        recency.contains(score.recency) && frequencyMonetary.contains(score.frequencyMonetary)
    }
}

/// The one ordered table from RFM scores to segments.
///
/// The first matching rule wins. The boxes are disjoint and tile the 5 × 5 grid of recency against the
/// frequency–monetary score, so every one of the 125 (r, f, m) combinations lands in exactly one rule and every
/// segment is reachable (the tests enumerate all 125):
///
/// | r \ fm | 1 | 2 | 3 | 4 | 5 |
/// |---|---|---|---|---|---|
/// | 5 | New | Potential Loyalist | Potential Loyalist | Champions | Champions |
/// | 4 | Promising | Potential Loyalist | Potential Loyalist | Champions | Champions |
/// | 3 | About to Sleep | Need Attention | Need Attention | Loyal | Loyal |
/// | 2 | Hibernating | About to Sleep | At Risk | At Risk | Can't Lose Them |
/// | 1 | Lost | Lost | Hibernating | At Risk | Can't Lose Them |
public enum RFMSegmentTable {
    /// The rules in order.
    public static let rules: [RFMSegmentRule] = [
        RFMSegmentRule(segment: .champions, recency: 4...5, frequencyMonetary: 4...5),
        RFMSegmentRule(segment: .loyal, recency: 3...3, frequencyMonetary: 4...5),
        RFMSegmentRule(segment: .potentialLoyalist, recency: 4...5, frequencyMonetary: 2...3),
        RFMSegmentRule(segment: .new, recency: 5...5, frequencyMonetary: 1...1),
        RFMSegmentRule(segment: .promising, recency: 4...4, frequencyMonetary: 1...1),
        RFMSegmentRule(segment: .needAttention, recency: 3...3, frequencyMonetary: 2...3),
        RFMSegmentRule(segment: .aboutToSleep, recency: 3...3, frequencyMonetary: 1...1),
        RFMSegmentRule(segment: .aboutToSleep, recency: 2...2, frequencyMonetary: 2...2),
        RFMSegmentRule(segment: .cannotLoseThem, recency: 1...2, frequencyMonetary: 5...5),
        RFMSegmentRule(segment: .atRisk, recency: 2...2, frequencyMonetary: 3...4),
        RFMSegmentRule(segment: .atRisk, recency: 1...1, frequencyMonetary: 4...4),
        RFMSegmentRule(segment: .hibernating, recency: 2...2, frequencyMonetary: 1...1),
        RFMSegmentRule(segment: .hibernating, recency: 1...1, frequencyMonetary: 3...3),
        RFMSegmentRule(segment: .lost, recency: 1...1, frequencyMonetary: 1...2),
    ]

    /// The segment of the first rule that matches, or nil for scores outside 1…5.
    public static func segment(for score: RFMScore) -> RFMSegment? {
        rules.first { $0.matches(score) }?.segment
    }
}
