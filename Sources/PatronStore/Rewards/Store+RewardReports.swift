import PatronCore
import SQLKit

/// How the rewards program is used, over its whole history.
public struct RewardsReport: Sendable, Hashable {
    /// Points given by orders, activities, grants and positive adjustments.
    public var pointsEarned: Int64
    /// Points charged for rewards, less those given back by cancellations.
    public var pointsRedeemed: Int64
    public var pointsExpired: Int64
    /// Redeemed ÷ earned.
    public var redemptionRate: Double { pointsEarned == 0 ? 0 : Double(pointsRedeemed) / Double(pointsEarned) }
    /// Expired ÷ earned: the share of points members never used.
    public var breakage: Double { pointsEarned == 0 ? 0 : Double(pointsExpired) / Double(pointsEarned) }
    /// Rewards by units issued (not cancelled), most first, ties by id; at most ten.
    public var mostRedeemed: [(rewardID: String, count: Int64)]
    public var referrals: ReferralReport

    public static func == (lhs: RewardsReport, rhs: RewardsReport) -> Bool {
        lhs.pointsEarned == rhs.pointsEarned && lhs.pointsRedeemed == rhs.pointsRedeemed
            && lhs.pointsExpired == rhs.pointsExpired && lhs.referrals == rhs.referrals
            && lhs.mostRedeemed.map(\.rewardID) == rhs.mostRedeemed.map(\.rewardID)
            && lhs.mostRedeemed.map(\.count) == rhs.mostRedeemed.map(\.count)
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(pointsEarned)
        hasher.combine(pointsRedeemed)
    }
}

extension Store {
    public func rewardsReport() async throws -> RewardsReport {
        let referrals = try await referralReport()
        return try await database.read { database in
            let totals = try await database.raw(
                """
                SELECT CAST(COALESCE(SUM(CASE WHEN kind IN ('earn', 'adjust') AND points > 0 THEN points ELSE 0 END), 0)
                            AS BIGINT) AS earned,
                       CAST(COALESCE(SUM(CASE WHEN kind = 'expire' THEN -points ELSE 0 END), 0) AS BIGINT) AS expired
                FROM point_entries
                """
            ).first()
            let redeemed = try await database.raw(
                """
                SELECT CAST(COALESCE(SUM(points), 0) AS BIGINT) AS points FROM redemptions WHERE status <> 'cancelled'
                """
            ).first()
            let popular = try await database.raw(
                """
                SELECT reward_id, CAST(COUNT(*) AS BIGINT) AS count FROM redemptions WHERE status <> 'cancelled'
                GROUP BY reward_id ORDER BY count DESC, reward_id LIMIT 10
                """
            ).all().map {
                (
                    rewardID: try $0.decode(column: "reward_id", as: String.self),
                    count: try $0.decode(column: "count", as: Int64.self)
                )
            }
            return RewardsReport(
                pointsEarned: try totals?.decode(column: "earned", as: Int64.self) ?? 0,
                pointsRedeemed: try redeemed?.decode(column: "points", as: Int64.self) ?? 0,
                pointsExpired: try totals?.decode(column: "expired", as: Int64.self) ?? 0,
                mostRedeemed: popular, referrals: referrals)
        }
    }
}
