import Foundation
import PatronAnalytics
import PatronCore
import SQLKit

/// Everything the analytics page shows, as of one local day and one model fit: computing it reads every order,
/// point entry and open lot, seconds at a million members, so it is computed once (by the periodic analytics job,
/// or by the first reader when there is none yet) and kept. A new fit, another day or an explicit refresh makes a
/// new one.
public struct AnalyticsSnapshot: Sendable, Hashable, Codable {
    public var asOf: PatronCore.CalendarDate
    public var computedAt: Timestamp
    /// The fit whose predictions it holds; nil before the first fit.
    public var fitID: Int64?
    /// Members with an order by `asOf`.
    public var customers: Int
    public var segmentCounts: [String: Int]
    /// The RFM quintiles of the base, to place any one member in a segment later; nil in snapshots kept before
    /// they were.
    public var rfm: RFMBoundaries?
    public var stageCounts: [String: Int]
    public var cohorts: [CohortRetentionMatrix.Cohort]
    /// With a fit: lifetime value by tenth of customers, and the members with the most value at risk.
    public var lifetimeValues: ValueDeciles?
    public var atRisk: [RiskEntry]
    public var liability: Liability
    public var points: PointOutcomes

    public struct RiskEntry: Sendable, Hashable, Codable {
        public var memberID: String
        public var orders: Int
        public var lastOrder: PatronCore.CalendarDate
        public var probabilityAlive: Double
        public var lifetimeValue: Double

        /// Lifetime value × the chance the member has gone, in minor units.
        public var valueAtRisk: Double { lifetimeValue * (1 - probabilityAlive) }
    }

    /// Points members hold, and when they expire.
    public struct Liability: Sendable, Hashable, Codable {
        public var held: Int64
        public var neverExpiring: Int64
        /// Local month of expiry (`YYYY-MM`) and the points expiring in it, soonest first.
        public var byMonth: [MonthPoints]
    }

    public struct MonthPoints: Sendable, Hashable, Codable {
        public var month: String
        public var points: Int64
    }

    /// Every point ever earned by what became of it (``RewardsReport``).
    public struct PointOutcomes: Sendable, Hashable, Codable {
        public var earned: Int64
        public var redeemed: Int64
        public var expired: Int64
        public var reversed: Int64
        public var outstanding: Int64
        public var mostRedeemed: [RewardCount]
    }

    public struct RewardCount: Sendable, Hashable, Codable {
        public var rewardID: String
        public var count: Int64
    }

    public func count(of segment: RFMSegment) -> Int { segmentCounts[segment.rawValue, default: 0] }
    public func count(of stage: LifecycleStage) -> Int { stageCounts[stage.rawValue, default: 0] }
}

extension Store {
    /// How many members with most value at risk a snapshot keeps.
    public static let riskListLength = 20

    /// The snapshot as of local day `asOf` with the newest fit: the one kept, else computed now and kept.
    public func analyticsSnapshot(asOf: PatronCore.CalendarDate) async throws -> AnalyticsSnapshot {
        let fitID = try await latestModelFit()?.fitID ?? 0
        let kept = try await database.read { database in
            try await database.raw(
                """
                SELECT body FROM analytics_snapshots
                WHERE as_of_day = \(bind: asOf.daysSinceEpoch) AND fit_id = \(bind: fitID)
                """
            ).first()?.decode(column: "body", as: String.self)
        }
        if let kept, let snapshot = try? JSONDecoder().decode(AnalyticsSnapshot.self, from: Data(kept.utf8)) {
            return snapshot
        }
        return try await refreshAnalyticsSnapshot(asOf: asOf)
    }

    /// The newest snapshot kept as of `day` or before, without computing one; nil when none is kept.
    public func newestAnalyticsSnapshot(through day: PatronCore.CalendarDate) async throws -> AnalyticsSnapshot? {
        let kept = try await database.read { database in
            try await database.raw(
                """
                SELECT body FROM analytics_snapshots WHERE as_of_day <= \(bind: day.daysSinceEpoch)
                ORDER BY as_of_day DESC, computed_at DESC LIMIT 1
                """
            ).first()?.decode(column: "body", as: String.self)
        }
        return kept.flatMap { try? JSONDecoder().decode(AnalyticsSnapshot.self, from: Data($0.utf8)) }
    }

    /// Computes the snapshot as of `asOf` now and keeps it in place of any other of that day and fit; snapshots
    /// more than a month old are let go.
    @discardableResult
    public func refreshAnalyticsSnapshot(asOf: PatronCore.CalendarDate) async throws -> AnalyticsSnapshot {
        let snapshot = try await computeAnalyticsSnapshot(asOf: asOf)
        let body = String(decoding: try JSONEncoder().encode(snapshot), as: UTF8.self)
        let day = asOf.daysSinceEpoch
        try await database.write { database in
            try await database.raw(
                """
                DELETE FROM analytics_snapshots
                WHERE (as_of_day = \(bind: day) AND fit_id = \(bind: snapshot.fitID ?? 0)) OR as_of_day < \(bind: day - 31)
                """
            ).run()
            try await database.raw(
                """
                INSERT INTO analytics_snapshots (as_of_day, fit_id, computed_at, body)
                VALUES (\(bind: day), \(bind: snapshot.fitID ?? 0), \(bind: snapshot.computedAt.millisecondsSinceEpoch),
                        \(bind: body))
                ON CONFLICT DO NOTHING
                """
            ).run()
        }
        return snapshot
    }

    private func computeAnalyticsSnapshot(asOf: PatronCore.CalendarDate) async throws -> AnalyticsSnapshot {
        let computedAt = clock.now
        let firstMonth = PatronCore.CalendarDate(year: asOf.year, month: asOf.month, day: 1).addingMonths(-11)
        async let base = customerBase(referenceDate: asOf)
        async let cohorts = cohortRetention(from: firstMonth, to: asOf)
        async let liability = pointsLiability()
        async let rewards = rewardsReport()
        let fit = try await latestModelFit()
        let outlook =
            fit == nil
            ? nil : try await valueOutlook(asOf: asOf, limit: Self.riskListLength, settings: PredictionSettings())
        let (customers, owed, report) = try await (base, liability, rewards)
        return AnalyticsSnapshot(
            asOf: asOf, computedAt: computedAt, fitID: outlook?.fit.fitID, customers: customers.customers,
            segmentCounts: Dictionary(
                uniqueKeysWithValues: customers.segmentCounts.map { ($0.key.rawValue, $0.value) }),
            rfm: customers.boundaries,
            stageCounts: Dictionary(uniqueKeysWithValues: customers.stageCounts.map { ($0.key.rawValue, $0.value) }),
            cohorts: try await cohorts, lifetimeValues: outlook?.lifetimeValues,
            atRisk: (outlook?.atRisk ?? []).map { entry in
                AnalyticsSnapshot.RiskEntry(
                    memberID: entry.totals.memberID, orders: entry.totals.orderCount,
                    lastOrder: PatronCore.CalendarDate(daysSinceEpoch: entry.totals.lastDay),
                    probabilityAlive: entry.probabilityAlive, lifetimeValue: entry.lifetimeValue)
            },
            liability: AnalyticsSnapshot.Liability(
                held: owed.available + owed.pending, neverExpiring: owed.neverExpiring,
                byMonth: owed.expiringByMonth.map { AnalyticsSnapshot.MonthPoints(month: $0.month, points: $0.points) }),
            points: AnalyticsSnapshot.PointOutcomes(
                earned: report.pointsEarned, redeemed: report.pointsRedeemed, expired: report.pointsExpired,
                reversed: report.pointsReversed, outstanding: report.pointsOutstanding,
                mostRedeemed: report.mostRedeemed.map {
                    AnalyticsSnapshot.RewardCount(rewardID: $0.rewardID, count: $0.count)
                }))
    }
}
