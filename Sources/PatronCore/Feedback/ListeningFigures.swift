/// How long something took across many cases: the count, the median and the 90th percentile (nearest rank),
/// in minutes.
public struct DurationSummary: Sendable, Hashable {
    public var count: Int
    public var medianMinutes: Double?
    public var p90Minutes: Double?

    public init(milliseconds: [Int64]) {
        let sorted = milliseconds.sorted()
        count = sorted.count
        func rank(_ share: Double) -> Double? {
            guard !sorted.isEmpty else { return nil }
            let index = max(0, Int((share * Double(sorted.count)).rounded(.up)) - 1)
            return Double(sorted[index]) / 60_000
        }
        medianMinutes = rank(0.5)
        p90Minutes = rank(0.9)
    }
}

/// Targets that came to an end: met in time, or missed; the share met is the attainment.
public struct TargetAttainment: Sendable, Hashable {
    public var met: Int
    public var missed: Int

    public init(met: Int = 0, missed: Int = 0) {
        self.met = met
        self.missed = missed
    }

    public var share: Double? { met + missed == 0 ? nil : Double(met) / Double(met + missed) }
}

/// What a period's listening shows for everyone or one store or channel.
public struct ListeningFigures: Sendable, Hashable {
    public var feedback = 0
    /// Feedback of high or urgent severity.
    public var complaints = 0
    public var urgent = 0
    /// Orders in the same period and store; nil when the grouping has no orders (by channel of feedback).
    public var orders: Int?
    public var ticketsOpened = 0
    public var firstResponse = DurationSummary(milliseconds: [])
    public var firstResponseWorking = DurationSummary(milliseconds: [])
    public var resolution = DurationSummary(milliseconds: [])
    public var resolutionWorking = DurationSummary(milliseconds: [])
    public var firstResponseTargets = TargetAttainment()
    public var resolutionTargets = TargetAttainment()
    /// Urgent topics, the text's topics and tags, most frequent first (then by name), at most ten.
    public var topTopics: [TopicCount] = []

    public init() {}

    /// Complaints per 1,000 orders.
    public var complaintRate: Double? {
        guard let orders, orders > 0 else { return nil }
        return Double(complaints) * 1_000 / Double(orders)
    }

    /// The ten most mentioned of `counts` in the period (ties by name).
    public static func top(_ counts: [String: TopicCount]) -> [TopicCount] {
        counts.values.filter { $0.count > 0 }.sorted { ($1.count, $0.topic) < ($0.count, $1.topic) }.prefix(10)
            .map { $0 }
    }
}

/// How often a topic came up in a period, how it was felt, and how often it came up in the period before.
public struct TopicCount: Sendable, Hashable {
    public var topic: String
    public var count: Int
    /// Of those, items whose text read negative.
    public var negative = 0
    /// Mentions in the period before, as long as this one.
    public var previousCount = 0
    private var scoreSum = 0.0
    private var scored = 0

    public init(topic: String, count: Int = 0) {
        self.topic = topic
        self.count = count
    }

    /// The mean sentiment score of the items that had text; nil when none had.
    public var meanScore: Double? { scored == 0 ? nil : scoreSum / Double(scored) }

    /// Counts one mention in the period, with its text's sentiment when it had text.
    public mutating func add(_ sentiment: FeedbackSentiment?) {
        count += 1
        guard let sentiment else { return }
        if sentiment.label == .negative { negative += 1 }
        scoreSum += sentiment.score
        scored += 1
    }
}

/// Whether unhappy customers were answered and won back: detractors (scores 0–6) answered by a person within the
/// first-response target, detractors who later scored 7 or more, and whether complainants whose ticket was resolved
/// bought again within the window more often than those whose ticket was not.
public struct ClosedLoopFigures: Sendable, Hashable {
    public var detractors = 0
    public var contactedInTime = 0
    public var recovered = 0
    public var resolvedComplainants = 0
    public var resolvedRepurchased = 0
    public var unresolvedComplainants = 0
    public var unresolvedRepurchased = 0
    /// Days after the complaint a purchase counts as buying again.
    public var repurchaseDays: Int

    public init(repurchaseDays: Int) {
        self.repurchaseDays = repurchaseDays
    }

    private static func share(_ part: Int, _ whole: Int) -> Double? {
        whole == 0 ? nil : Double(part) / Double(whole)
    }

    public var closedLoopRate: Double? { Self.share(contactedInTime, detractors) }
    public var recoveryRate: Double? { Self.share(recovered, detractors) }
    public var repurchaseAfterResolution: Double? { Self.share(resolvedRepurchased, resolvedComplainants) }
    public var repurchaseWithoutResolution: Double? { Self.share(unresolvedRepurchased, unresolvedComplainants) }
}
