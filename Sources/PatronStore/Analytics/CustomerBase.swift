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

/// Every customer's standing at a reference date: RFM quintiles are relative to the whole base, so they are
/// always computed together.
public struct CustomerBase: Sendable {
    public var referenceDate: PatronCore.CalendarDate
    public var currency: Currency
    /// Every member with an order by the reference date, in no particular order.
    public var members: [MemberStanding]
    /// The fit whose P(alive) entered the lifecycle stages, if any.
    public var fit: StoredModelFit?

    /// Scores and classifies every member; P(alive) from `fit` refines the lifecycle stages when given.
    ///
    /// The scores are ``RFMAnalysis``'s quintiles of the same measures, with the three sorts run side by side.
    public init(
        totals: [MemberPurchaseTotals], referenceDate: PatronCore.CalendarDate, currency: Currency,
        fit: StoredModelFit?, thresholds: LifecycleThresholds = LifecycleThresholds()
    ) async {
        let referenceDay = referenceDate.daysSinceEpoch
        async let recencyScores = RFMAnalysis.quintileScores(
            totals.map { Double(referenceDay - $0.lastDay) }, higherIsBetter: false)
        async let frequencyScores = RFMAnalysis.quintileScores(
            totals.map { Double($0.purchaseDays) }, higherIsBetter: true)
        let monetaryScores = RFMAnalysis.quintileScores(totals.map { Double($0.revenueMinor) }, higherIsBetter: true)
        let (recency, frequency) = await (recencyScores, frequencyScores)
        var alive: [Double]?
        if let fit {
            let middle = totals.count / 2
            async let lower = Self.probabilitiesAlive(totals[..<middle], referenceDay: referenceDay, fit: fit)
            let upper = Self.probabilitiesAlive(totals[middle...], referenceDay: referenceDay, fit: fit)
            alive = await lower + upper
        }
        var members: [MemberStanding] = []
        members.reserveCapacity(totals.count)
        for (index, memberTotals) in totals.enumerated() {
            let score = RFMScore(
                recency: recency[index], frequency: frequency[index], monetary: monetaryScores[index])
            let recencyDays = referenceDay - memberTotals.lastDay
            let probabilityAlive = alive?[index]
            let stage = LifecycleStage.classify(
                daysSinceFirstOrder: referenceDay - memberTotals.firstDay, daysSinceLastOrder: recencyDays,
                probabilityAlive: probabilityAlive, thresholds: thresholds)
            members.append(
                MemberStanding(
                    totals: memberTotals, recencyDays: recencyDays, score: score,
                    // Scores are always 1…5 and the table covers that whole range.
                    segment: RFMSegmentTable.segment(for: score) ?? .lost, stage: stage,
                    probabilityAlive: probabilityAlive))
        }
        self.referenceDate = referenceDate
        self.currency = currency
        self.members = members
        self.fit = fit
    }

    /// P(alive) of each member, computed once per distinct history: (order days, first-to-last days, age in days)
    /// packed in one integer makes a cheap dictionary key for the hundreds of thousands of histories of a large base.
    private static func probabilitiesAlive(
        _ totals: ArraySlice<MemberPurchaseTotals>, referenceDay: Int, fit: StoredModelFit
    ) -> [Double] {
        var cache: [UInt64: Double] = [:]
        return totals.map { member in
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

    /// Members per segment; every segment is present, with 0 when empty.
    public var segmentCounts: [RFMSegment: Int] {
        var counts = Dictionary(uniqueKeysWithValues: RFMSegment.allCases.map { ($0, 0) })
        for member in members { counts[member.segment, default: 0] += 1 }
        return counts
    }

    /// Members per lifecycle stage; every stage is present, with 0 when empty.
    public var stageCounts: [LifecycleStage: Int] {
        var counts = Dictionary(uniqueKeysWithValues: LifecycleStage.allCases.map { ($0, 0) })
        for member in members { counts[member.stage, default: 0] += 1 }
        return counts
    }

    /// A page of members by id, after `cursor` (exclusive), optionally of one segment.
    ///
    /// Picks the `limit` smallest ids without sorting the whole base: a million members cost one pass.
    public func page(segment: RFMSegment?, after cursor: String?, limit: Int) -> Page<MemberStanding> {
        var best: [MemberStanding] = []
        best.reserveCapacity(limit + 1)
        for member in members {
            if let segment, member.segment != segment { continue }
            if let cursor, member.memberID <= cursor { continue }
            if best.count > limit, let last = best.last, member.memberID >= last.memberID { continue }
            var low = 0
            var high = best.count
            while low < high {
                let middle = (low + high) / 2
                if best[middle].memberID < member.memberID { low = middle + 1 } else { high = middle }
            }
            best.insert(member, at: low)
            if best.count > limit + 1 { best.removeLast() }
        }
        let hasMore = best.count > limit
        let items = Array(best.prefix(limit))
        return Page(items: items, nextCursor: hasMore ? items.last?.memberID : nil)
    }
}
