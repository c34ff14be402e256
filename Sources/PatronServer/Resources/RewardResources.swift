import Foundation
import PatronCore
import PatronStore

/// A reward as the API shows it: its definition, what is left, and — for a member — whether they can
/// redeem it now and why not.
struct RewardResource: Encodable {
    let stored: StoredReward
    let refusals: [RedemptionRefusal]?

    private enum CodingKeys: String, CodingKey {
        case issued
        case stockLeft = "stock_left"
        case redeemable, reasons
        case createdAt = "created_at"
        case updatedAt = "updated_at"
    }

    func encode(to encoder: any Encoder) throws {
        try stored.reward.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(stored.issued, forKey: .issued)
        try container.encode(stored.stockLeft, forKey: .stockLeft)
        try container.encode(stored.createdAt, forKey: .createdAt)
        try container.encode(stored.updatedAt, forKey: .updatedAt)
        if let refusals {
            try container.encode(refusals.isEmpty, forKey: .redeemable)
            try container.encode(refusals.map { Problem.Reason(code: $0.code, detail: $0.detail) }, forKey: .reasons)
        }
    }
}

/// A redemption with its state now, and the member's balance when the answer follows a change.
struct RedemptionResource: Encodable {
    let redemption: Redemption
    let balance: PointBalance?
    /// When the answer is given: the state is the redemption's state then.
    let at: Timestamp

    private enum CodingKeys: String, CodingKey {
        case state, balance
    }

    func encode(to encoder: any Encoder) throws {
        try redemption.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(redemption.state(at: at), forKey: .state)
        try container.encodeIfPresent(balance, forKey: .balance)
    }
}

/// `POST /v1/coupons/{code}/validate`.
struct CouponCheckResource: Encodable {
    let check: CouponCheck
    let at: Timestamp

    private enum CodingKeys: String, CodingKey {
        case valid, state, problems, reasons, reward, redemption
        case discountMinor = "discount_minor"
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(check.problems.isEmpty, forKey: .valid)
        try container.encode(check.state, forKey: .state)
        try container.encode(check.problems.map(\.detail), forKey: .problems)
        try container.encode(
            check.problems.map { Problem.Reason(code: $0.code, detail: $0.detail) }, forKey: .reasons)
        try container.encode(check.discountMinor, forKey: .discountMinor)
        try container.encode(check.reward, forKey: .reward)
        try container.encode(
            RedemptionResource(redemption: check.redemption, balance: nil, at: at), forKey: .redemption)
    }
}

/// `GET|POST /v1/members/{member_id}/referral`.
struct ReferralSummaryResource: Encodable {
    let summary: ReferralSummary

    private enum CodingKeys: String, CodingKey {
        case memberID = "member_id"
        case code
        case referredBy = "referred_by"
        case referrals
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(summary.memberID, forKey: .memberID)
        try container.encode(summary.code, forKey: .code)
        try container.encode(summary.referredBy, forKey: .referredBy)
        try container.encode(
            ["joined": summary.joined, "qualifying": summary.qualifying, "rewarded": summary.rewarded],
            forKey: .referrals)
    }
}

/// `GET /v1/reports/rewards`.
struct RewardsReportResource: Encodable {
    let report: RewardsReport

    private struct Popular: Encodable {
        let rewardID: String
        let count: Int64

        private enum CodingKeys: String, CodingKey {
            case rewardID = "reward_id"
            case count
        }
    }

    private struct Referrals: Encodable {
        let linked: Int64
        let qualifying: Int64
        let rewarded: Int64
        let conversionRate: Double
        let referredRevenueMinor: Int64
        let referredOrders: Int64

        private enum CodingKeys: String, CodingKey {
            case linked, qualifying, rewarded
            case conversionRate = "conversion_rate"
            case referredRevenueMinor = "referred_revenue_minor"
            case referredOrders = "referred_orders"
        }
    }

    private enum CodingKeys: String, CodingKey {
        case pointsEarned = "points_earned"
        case pointsRedeemed = "points_redeemed"
        case pointsExpired = "points_expired"
        case pointsReversed = "points_reversed"
        case pointsOutstanding = "points_outstanding"
        case redemptionRate = "redemption_rate"
        case breakage
        case mostRedeemed = "most_redeemed"
        case referrals
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(report.pointsEarned, forKey: .pointsEarned)
        try container.encode(report.pointsRedeemed, forKey: .pointsRedeemed)
        try container.encode(report.pointsExpired, forKey: .pointsExpired)
        try container.encode(report.pointsReversed, forKey: .pointsReversed)
        try container.encode(report.pointsOutstanding, forKey: .pointsOutstanding)
        try container.encode(report.redemptionRate, forKey: .redemptionRate)
        try container.encode(report.breakage, forKey: .breakage)
        try container.encode(
            report.mostRedeemed.map { Popular(rewardID: $0.rewardID, count: $0.count) }, forKey: .mostRedeemed)
        let referrals = report.referrals
        try container.encode(
            Referrals(
                linked: referrals.linked, qualifying: referrals.qualifying, rewarded: referrals.rewarded,
                conversionRate: referrals.conversionRate, referredRevenueMinor: referrals.referredRevenueMinor,
                referredOrders: referrals.referredOrders),
            forKey: .referrals)
    }
}
