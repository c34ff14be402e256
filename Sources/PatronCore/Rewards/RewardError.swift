/// Why a rewards operation was refused. Nothing is written when one is thrown.
public enum RewardError: Error, Sendable, Hashable {
    case rewardNotFound(rewardID: String)
    case notRedeemable(rewardID: String, refusals: [RedemptionRefusal])
    case redemptionNotFound(redemptionID: String)
    /// Only an issued coupon that was neither used nor expired can be cancelled.
    case notCancellable(redemptionID: String, state: CouponState)
    case couponNotFound(code: String)
    /// The coupon cannot be used on the order, for the first reason that applies.
    case couponRefused(code: String, problem: CouponProblem)
    case referralCodeNotFound(code: String)
    case referralRefused(ReferralRefusal)
}

/// Where an issued reward stands. `expired` is derived from the coupon's expiry when it is read.
public enum CouponState: String, Sendable, Hashable, Codable {
    case issued, used, cancelled, expired
    /// A donation is complete when redeemed and has no coupon to use.
    case donated
}
