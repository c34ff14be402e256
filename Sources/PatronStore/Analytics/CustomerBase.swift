import PatronAnalytics
import PatronCore

/// One member's standing at a reference date: RFM scores and segment, lifecycle stage, and P(alive) when a model
/// has been fitted.
public struct MemberStanding: Sendable, Hashable {
    public var totals: MemberPurchaseTotals
    public var recencyDays: Int
    public var score: RFMScore
    public var segment: RFMSegment
    public var stage: LifecycleStage
    public var probabilityAlive: Double?

    public var memberID: String { totals.memberID }
}

/// The whole customer base at a reference date, reduced to what scoring any one member needs: the boundaries of the
/// RFM quintiles of the three measures, and the members per segment and lifecycle stage. RFM quintiles are relative
/// to the whole base, so the scales are made from every customer; no member's record is kept.
public struct CustomerBase: Sendable {
    public var referenceDate: PatronCore.CalendarDate { scorer.referenceDate }
    public var currency: Currency
    /// Members with an order by the reference date.
    public var customers: Int
    /// The fit whose P(alive) enters the lifecycle stages, if any.
    public var fit: StoredModelFit? { scorer.fit }
    /// The quintiles every member is scored by.
    public var boundaries: RFMBoundaries { scorer.boundaries }
    /// Members per segment; every segment is present, with 0 when empty.
    public private(set) var segmentCounts: [RFMSegment: Int]
    /// Members per lifecycle stage; every stage is present, with 0 when empty.
    public private(set) var stageCounts: [LifecycleStage: Int]
    private let scorer: StandingScorer

    /// Makes the scales of every member's totals, then scores and classifies them all to count them, in two halves
    /// at once; P(alive) from `fit` refines the lifecycle stages when given.
    init(
        columns: MemberTotalsColumns, referenceDate: PatronCore.CalendarDate, currency: Currency,
        fit: StoredModelFit?, thresholds: LifecycleThresholds
    ) async {
        async let recency = QuintileScale(columns.lastDay.map(Int64.init))
        async let frequency = QuintileScale(columns.purchaseDays.map(Int64.init))
        let monetary = QuintileScale(columns.revenueMinor)
        let scorer = StandingScorer(
            referenceDate: referenceDate, fit: fit, thresholds: thresholds,
            boundaries: RFMBoundaries(
                lastDay: await recency.boundaries, purchaseDays: await frequency.boundaries,
                revenueMinor: monetary.boundaries))
        let middle = columns.count / 2
        async let lower = scorer.counts(of: columns, in: 0..<middle)
        let upper = scorer.counts(of: columns, in: middle..<columns.count)
        var segments = Dictionary(uniqueKeysWithValues: RFMSegment.allCases.map { ($0, 0) })
        var stages = Dictionary(uniqueKeysWithValues: LifecycleStage.allCases.map { ($0, 0) })
        for half in [await lower, upper] {
            segments.merge(half.segments, uniquingKeysWith: +)
            stages.merge(half.stages, uniquingKeysWith: +)
        }
        self.scorer = scorer
        self.currency = currency
        self.customers = columns.count
        self.segmentCounts = segments
        self.stageCounts = stages
    }

    /// One member's scores, segment and stage among this base.
    public func standing(of totals: MemberPurchaseTotals) -> MemberStanding {
        var alive = AliveProbabilities(referenceDay: referenceDate.daysSinceEpoch, fit: fit)
        return scorer.standing(of: totals, alive: &alive)
    }
}

/// The RFM quintiles of a base as the lowest value of each score: the last order day (a later day is a better
/// recency), the order days and the spend. Kept with the analytics snapshot, they score any member later exactly as
/// the base scored them, without the base.
public struct RFMBoundaries: Sendable, Hashable, Codable {
    public var lastDay: QuintileBoundaries
    public var purchaseDays: QuintileBoundaries
    public var revenueMinor: QuintileBoundaries

    public func score(of totals: MemberPurchaseTotals) -> RFMScore {
        RFMScore(
            recency: lastDay.score(of: Int64(totals.lastDay)),
            frequency: purchaseDays.score(of: Int64(totals.purchaseDays)),
            monetary: revenueMinor.score(of: totals.revenueMinor))
    }
}

/// Scores and classifies members among a base: its RFM quintiles and the lifecycle thresholds.
private struct StandingScorer: Sendable {
    let referenceDate: PatronCore.CalendarDate
    let fit: StoredModelFit?
    let thresholds: LifecycleThresholds
    let boundaries: RFMBoundaries

    func standing(of totals: MemberPurchaseTotals, alive: inout AliveProbabilities) -> MemberStanding {
        let referenceDay = referenceDate.daysSinceEpoch
        let recencyDays = referenceDay - totals.lastDay
        let probabilityAlive = alive.probability(of: totals)
        let score = boundaries.score(of: totals)
        return MemberStanding(
            totals: totals, recencyDays: recencyDays, score: score, segment: score.segment,
            stage: LifecycleStage.classify(
                daysSinceFirstOrder: referenceDay - totals.firstDay, daysSinceLastOrder: recencyDays,
                probabilityAlive: probabilityAlive, thresholds: thresholds),
            probabilityAlive: probabilityAlive)
    }

    /// Members per segment and per stage among those at `range` of `columns`.
    func counts(
        of columns: MemberTotalsColumns, in range: Range<Int>
    ) -> (segments: [RFMSegment: Int], stages: [LifecycleStage: Int]) {
        var alive = AliveProbabilities(referenceDay: referenceDate.daysSinceEpoch, fit: fit)
        var segments: [RFMSegment: Int] = [:]
        var stages: [LifecycleStage: Int] = [:]
        for index in range {
            let totals = MemberPurchaseTotals(
                memberID: "", firstDay: Int(columns.firstDay[index]), lastDay: Int(columns.lastDay[index]),
                purchaseDays: Int(columns.purchaseDays[index]), orderCount: 0,
                revenueMinor: columns.revenueMinor[index], firstDayRevenueMinor: nil)
            let standing = standing(of: totals, alive: &alive)
            segments[standing.segment, default: 0] += 1
            stages[standing.stage, default: 0] += 1
        }
        return (segments, stages)
    }
}

/// P(alive) of members under a fit, computed once per distinct history: (order days, first-to-last days, age in
/// days) packed in one integer makes a cheap dictionary key for the hundreds of thousands of histories of a large
/// base.
private struct AliveProbabilities {
    let referenceDay: Int
    let fit: StoredModelFit?
    private var cache: [UInt64: Double] = [:]

    init(referenceDay: Int, fit: StoredModelFit?) {
        self.referenceDay = referenceDay
        self.fit = fit
    }

    /// nil without a fit.
    mutating func probability(of member: MemberPurchaseTotals) -> Double? {
        guard let fit else { return nil }
        let span = member.lastDay - member.firstDay
        let age = referenceDay - member.firstDay
        let history = PurchaseHistory(
            frequency: member.purchaseDays - 1, recency: Double(span) / fit.unit.days,
            age: Double(age) / fit.unit.days)
        let limit = 1 << 21
        guard (0..<limit).contains(member.purchaseDays), (0..<limit).contains(span), (0..<limit).contains(age)
        else { return fit.purchases.probabilityAlive(given: history) }
        let key = UInt64(member.purchaseDays) << 42 | UInt64(span) << 21 | UInt64(age)
        if let known = cache[key] { return known }
        let value = fit.purchases.probabilityAlive(given: history)
        cache[key] = value
        return value
    }
}
