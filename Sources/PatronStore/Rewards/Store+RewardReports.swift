import PatronCore
import SQLKit

/// How the rewards program is used, over its whole history. Every point earned is in exactly one bucket:
/// `pointsEarned == pointsRedeemed + pointsExpired + pointsReversed + pointsOutstanding`.
public struct RewardsReport: Sendable, Hashable {
    /// Points given by orders, activities, grants, cashback and positive adjustments.
    public var pointsEarned: Int64
    /// Points spent on rewards or as payment, less those given back by cancellations.
    public var pointsRedeemed: Int64
    public var pointsExpired: Int64
    /// Points taken back: by refunds, withdrawn pending awards and negative adjustments.
    public var pointsReversed: Int64
    /// Points members hold now, pending or spendable (net of any owed).
    public var pointsOutstanding: Int64
    /// Redeemed ÷ earned.
    public var redemptionRate: Double { pointsEarned == 0 ? 0 : Double(pointsRedeemed) / Double(pointsEarned) }
    /// Expired ÷ earned: the share of points members never used.
    public var breakage: Double { pointsEarned == 0 ? 0 : Double(pointsExpired) / Double(pointsEarned) }
    /// Rewards by units issued (not cancelled), most first, ties by id; at most ten.
    public var mostRedeemed: [(rewardID: String, count: Int64)]
    public var referrals: ReferralReport

    public static func == (lhs: RewardsReport, rhs: RewardsReport) -> Bool {
        lhs.pointsEarned == rhs.pointsEarned && lhs.pointsRedeemed == rhs.pointsRedeemed
            && lhs.pointsExpired == rhs.pointsExpired && lhs.pointsReversed == rhs.pointsReversed
            && lhs.pointsOutstanding == rhs.pointsOutstanding && lhs.referrals == rhs.referrals
            && lhs.mostRedeemed.map(\.rewardID) == rhs.mostRedeemed.map(\.rewardID)
            && lhs.mostRedeemed.map(\.count) == rhs.mostRedeemed.map(\.count)
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(pointsEarned)
        hasher.combine(pointsRedeemed)
    }
}

/// Program-wide referral figures.
public struct ReferralReport: Sendable, Hashable {
    public var linked: Int64
    public var qualifying: Int64
    public var rewarded: Int64
    /// Rewarded ÷ linked, 0 when nobody was referred.
    public var conversionRate: Double { linked == 0 ? 0 : Double(rewarded) / Double(linked) }
    /// Orders placed by referred members since they were linked, net of refunds, and how many.
    public var referredRevenueMinor: Int64
    public var referredOrders: Int64
}

extension Store {
    /// The report: point buckets from the journal, summed by kind and sign, and what members hold from
    /// their balances, so a point the journal loses shows as buckets that no longer add up.
    public func rewardsReport() async throws -> RewardsReport {
        let referrals = try await referralReport()
        return try await database.read { database in
            var earned: Int64 = 0
            var redeemed: Int64 = 0
            var expired: Int64 = 0
            var reversed: Int64 = 0
            for row in try await database.raw(
                """
                SELECT kind, CAST(COALESCE(SUM(CASE WHEN points > 0 THEN points ELSE 0 END), 0) AS BIGINT) AS gained,
                       CAST(COALESCE(SUM(CASE WHEN points < 0 THEN -points ELSE 0 END), 0) AS BIGINT) AS lost
                FROM point_entries GROUP BY kind
                """
            ).all() {
                let gained = try row.decode(column: "gained", as: Int64.self)
                let lost = try row.decode(column: "lost", as: Int64.self)
                switch PointEntryKind(rawValue: try row.decode(column: "kind", as: String.self)) {
                case .earn?, .adjust?:
                    earned += gained
                    reversed += lost
                case .spend?, .restore?: redeemed += lost - gained
                case .expire?: expired += lost - gained
                case .reverse?, .cancel?: reversed += lost - gained
                case .settle?, nil: break
                }
            }
            let outstanding =
                try await database.raw(
                    "SELECT CAST(COALESCE(SUM(available + pending), 0) AS BIGINT) AS points FROM point_balances"
                ).first()?.decode(column: "points", as: Int64.self) ?? 0
            let popular = try await database.raw(
                """
                SELECT reward_id, CAST(COUNT(*) AS BIGINT) AS count FROM redemptions
                WHERE status <> \(bind: CouponState.cancelled.rawValue)
                GROUP BY reward_id ORDER BY count DESC, reward_id LIMIT 10
                """
            ).all().map {
                (
                    rewardID: try $0.decode(column: "reward_id", as: String.self),
                    count: try $0.decode(column: "count", as: Int64.self)
                )
            }
            return RewardsReport(
                pointsEarned: earned, pointsRedeemed: redeemed, pointsExpired: expired, pointsReversed: reversed,
                pointsOutstanding: outstanding, mostRedeemed: popular, referrals: referrals)
        }
    }

    /// Referrals by status, read from the referrals alone (the report's revenue reads every referred order).
    public func referralCounts() async throws -> [ReferralStatus: Int64] {
        try await database.read { try await Self.referralCounts(in: $0) }
    }

    private static func referralCounts(in database: any SQLDatabase) async throws -> [ReferralStatus: Int64] {
        var counts: [ReferralStatus: Int64] = [:]
        for row in try await database.raw(
            "SELECT status, CAST(COUNT(*) AS BIGINT) AS count FROM referrals GROUP BY status"
        ).all() {
            if let status = ReferralStatus(rawValue: try row.decode(column: "status", as: String.self)) {
                counts[status] = try row.decode(column: "count", as: Int64.self)
            }
        }
        return counts
    }

    public func referralReport() async throws -> ReferralReport {
        try await database.read { database in
            let counts = try await Self.referralCounts(in: database)
            let revenue = try await database.raw(
                """
                SELECT CAST(COUNT(*) AS BIGINT) AS orders,
                       CAST(COALESCE(SUM(o.total_minor - COALESCE(r.refunded, 0)), 0) AS BIGINT) AS revenue
                FROM orders o
                JOIN referrals f ON f.referee_id = o.member_id AND o.created_at >= f.created_at
                LEFT JOIN (SELECT order_id, SUM(amount_minor) AS refunded FROM refunds GROUP BY order_id) r
                       ON r.order_id = o.order_id
                """
            ).first()
            return ReferralReport(
                linked: counts.values.reduce(0, +), qualifying: counts[.qualifying] ?? 0,
                rewarded: counts[.rewarded] ?? 0,
                referredRevenueMinor: try revenue?.decode(column: "revenue", as: Int64.self) ?? 0,
                referredOrders: try revenue?.decode(column: "orders", as: Int64.self) ?? 0)
        }
    }
}
