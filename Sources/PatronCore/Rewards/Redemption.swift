/// How a reward came to be issued.
public enum RedemptionSource: String, Sendable, Hashable, Codable {
    /// Bought with points.
    case redemption
    case surprise, birthday, referral
    /// Given with a message the program sent by itself (a trigger's reward).
    case trigger
    /// Given by a person on the staff, to make good on a complaint or to thank a member.
    case goodwill
}

/// A reward issued to a member: redeemed for points, or granted by a campaign, a birthday or a referral.
public struct Redemption: Sendable, Hashable, Codable {
    public var redemptionID: String
    public var memberID: String
    public var rewardID: String
    public var kind: RewardKind
    /// Points charged; zero for a granted reward.
    public var points: Int64
    public var couponCode: String?
    /// The stored status; ``state(at:)`` adds expiry.
    public var status: CouponState
    public var source: RedemptionSource
    public var campaignID: String?
    public var issuedAt: Timestamp
    public var expiresAt: Timestamp?
    public var usedOrderID: String?
    public var usedAt: Timestamp?
    public var cancelledAt: Timestamp?

    public init(
        redemptionID: String, memberID: String, rewardID: String, kind: RewardKind, points: Int64,
        couponCode: String?, status: CouponState, source: RedemptionSource, campaignID: String?, issuedAt: Timestamp,
        expiresAt: Timestamp?, usedOrderID: String? = nil, usedAt: Timestamp? = nil, cancelledAt: Timestamp? = nil
    ) {
        self.redemptionID = redemptionID
        self.memberID = memberID
        self.rewardID = rewardID
        self.kind = kind
        self.points = points
        self.couponCode = couponCode
        self.status = status
        self.source = source
        self.campaignID = campaignID
        self.issuedAt = issuedAt
        self.expiresAt = expiresAt
        self.usedOrderID = usedOrderID
        self.usedAt = usedAt
        self.cancelledAt = cancelledAt
    }

    public func state(at instant: Timestamp) -> CouponState {
        if status == .issued, let expiresAt, instant >= expiresAt { return .expired }
        return status
    }

    enum CodingKeys: String, CodingKey {
        case redemptionID = "redemption_id"
        case memberID = "member_id"
        case rewardID = "reward_id"
        case kind, points
        case couponCode = "coupon_code"
        case status, source
        case campaignID = "campaign_id"
        case issuedAt = "issued_at"
        case expiresAt = "expires_at"
        case usedOrderID = "used_order_id"
        case usedAt = "used_at"
        case cancelledAt = "cancelled_at"
    }

    /// Absent values are written as `null`, so every redemption has the same fields.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(redemptionID, forKey: .redemptionID)
        try container.encode(memberID, forKey: .memberID)
        try container.encode(rewardID, forKey: .rewardID)
        try container.encode(kind, forKey: .kind)
        try container.encode(points, forKey: .points)
        try container.encode(couponCode, forKey: .couponCode)
        try container.encode(status, forKey: .status)
        try container.encode(source, forKey: .source)
        try container.encode(campaignID, forKey: .campaignID)
        try container.encode(issuedAt, forKey: .issuedAt)
        try container.encode(expiresAt, forKey: .expiresAt)
        try container.encode(usedOrderID, forKey: .usedOrderID)
        try container.encode(usedAt, forKey: .usedAt)
        try container.encode(cancelledAt, forKey: .cancelledAt)
    }
}
