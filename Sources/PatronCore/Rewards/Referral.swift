/// How referrals are rewarded: both members get something once the new member's first qualifying order
/// (at least `min_order_minor`, not refunded within the program's return window) is settled.
public struct ReferralProgram: Sendable, Hashable, Codable {
    public var referrerPoints: Int64
    public var refereePoints: Int64
    /// A reward granted free instead of, or as well as, points.
    public var referrerRewardID: String?
    public var refereeRewardID: String?
    public var minOrderMinor: Int64
    /// Linked referrals one member may have; more are refused.
    public var maxReferralsPerMember: Int

    public init(
        referrerPoints: Int64, refereePoints: Int64, referrerRewardID: String? = nil, refereeRewardID: String? = nil,
        minOrderMinor: Int64, maxReferralsPerMember: Int
    ) {
        self.referrerPoints = referrerPoints
        self.refereePoints = refereePoints
        self.referrerRewardID = referrerRewardID
        self.refereeRewardID = refereeRewardID
        self.minOrderMinor = minOrderMinor
        self.maxReferralsPerMember = maxReferralsPerMember
    }

    /// 200 points to each, after a first order of at least ¥50; 50 referrals per member.
    public static let standard = ReferralProgram(
        referrerPoints: 200, refereePoints: 200, minOrderMinor: 5000, maxReferralsPerMember: 50)

    enum CodingKeys: String, CodingKey {
        case referrerPoints = "referrer_points"
        case refereePoints = "referee_points"
        case referrerRewardID = "referrer_reward_id"
        case refereeRewardID = "referee_reward_id"
        case minOrderMinor = "min_order_minor"
        case maxReferralsPerMember = "max_referrals_per_member"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let standard = Self.standard
        referrerPoints = try container.decodeIfPresent(Int64.self, forKey: .referrerPoints) ?? standard.referrerPoints
        refereePoints = try container.decodeIfPresent(Int64.self, forKey: .refereePoints) ?? standard.refereePoints
        referrerRewardID = try container.decodeIfPresent(String.self, forKey: .referrerRewardID)
        refereeRewardID = try container.decodeIfPresent(String.self, forKey: .refereeRewardID)
        minOrderMinor = try container.decodeIfPresent(Int64.self, forKey: .minOrderMinor) ?? standard.minOrderMinor
        maxReferralsPerMember =
            try container.decodeIfPresent(Int.self, forKey: .maxReferralsPerMember) ?? standard.maxReferralsPerMember
    }

    public func problems(at pointer: String) -> [FieldError] {
        var problems: [FieldError] = []
        if referrerPoints < 0 {
            problems.append(FieldError(pointer: "\(pointer)/referrer_points", detail: "must not be negative"))
        }
        if refereePoints < 0 {
            problems.append(FieldError(pointer: "\(pointer)/referee_points", detail: "must not be negative"))
        }
        if minOrderMinor < 0 {
            problems.append(FieldError(pointer: "\(pointer)/min_order_minor", detail: "must not be negative"))
        }
        if maxReferralsPerMember < 1 {
            problems.append(FieldError(pointer: "\(pointer)/max_referrals_per_member", detail: "must be at least 1"))
        }
        return problems
    }
}

/// Why a referral link was refused.
public enum ReferralRefusal: String, Sendable, Hashable, Codable {
    /// The code is the member's own, or the two members share an email, phone or device.
    case selfReferral = "self_referral"
    /// The referrer was themselves referred, directly or further up, by the new member.
    case loop
    /// The referrer already has the most referrals the program allows.
    case referrerCapReached = "referrer_cap_reached"
    /// The member already ordered before joining with a code.
    case notNew = "not_new"
    /// The member was already referred by someone else.
    case alreadyReferred = "already_referred"

    public var detail: String {
        switch self {
        case .selfReferral: "a member cannot refer themselves (same member, email, phone or device)"
        case .loop: "the referrer was referred by this member, directly or through others"
        case .referrerCapReached: "the referrer already has the most referrals the program allows"
        case .notNew: "only a member who has not ordered yet can join with a referral code"
        case .alreadyReferred: "the member was already referred by someone else"
        }
    }
}

/// A reward given without charging points: on a birthday, or to referrals when configured.
public struct GrantedReward: Sendable, Hashable, Codable {
    public var points: Int64?
    public var rewardID: String?

    public init(points: Int64? = nil, rewardID: String? = nil) {
        self.points = points
        self.rewardID = rewardID
    }

    enum CodingKeys: String, CodingKey {
        case points
        case rewardID = "reward_id"
    }

    public func problems(at pointer: String) -> [FieldError] {
        if let points, points <= 0 {
            return [FieldError(pointer: "\(pointer)/points", detail: "must be greater than zero")]
        }
        if points == nil && (rewardID ?? "").isEmpty {
            return [FieldError(pointer: pointer, detail: "needs points or a reward_id")]
        }
        if let rewardID, rewardID.unicodeScalars.count > 64 {
            return [FieldError(pointer: "\(pointer)/reward_id", detail: "must be at most 64 characters")]
        }
        return []
    }
}

extension EmailAddress {
    /// The mailbox the address delivers to: without a `+tag` in the local part, so `li+2@x.cn` and `li@x.cn`
    /// count as the same person when checking self-referral.
    public var mailbox: String {
        guard let at = value.firstIndex(of: "@") else { return value }
        let local = value[..<at]
        let base = local.firstIndex(of: "+").map { local[..<$0] } ?? local
        return String(base) + value[at...]
    }
}
