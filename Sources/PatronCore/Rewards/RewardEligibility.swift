/// Why a member cannot redeem a reward now. Codes are stable; the API shows them with a sentence.
public enum RedemptionRefusal: Sendable, Hashable {
    case inactive
    case outOfStock
    case tierNotEligible(tierID: String)
    case insufficientPoints(available: Int64, cost: Int64)
    case memberLimitReached(limit: Int)
    case periodLimitReached(limit: PeriodLimit)
    /// A campaign would give more units than are left.
    case notEnoughStock(needed: Int, left: Int64)
    /// A grant names a reward the catalog does not have.
    case unknownReward

    public var code: String {
        switch self {
        case .inactive: "inactive"
        case .outOfStock: "out_of_stock"
        case .tierNotEligible: "tier_not_eligible"
        case .insufficientPoints: "insufficient_points"
        case .memberLimitReached: "member_limit_reached"
        case .periodLimitReached: "period_limit_reached"
        case .notEnoughStock: "not_enough_stock"
        case .unknownReward: "unknown_reward"
        }
    }

    public var detail: String {
        switch self {
        case .inactive: "the reward is not offered at this time"
        case .outOfStock: "none are left"
        case .tierNotEligible(let tierID): "the member's tier '\(tierID)' may not redeem it"
        case .insufficientPoints(let available, let cost): "it costs \(cost) points and \(available) are available"
        case .memberLimitReached(let limit): "the member already redeemed it \(limit) times, the most allowed"
        case .periodLimitReached(let limit):
            "the member already redeemed it \(limit.count) times this \(limit.period.rawValue), the most allowed"
        case .notEnoughStock(let needed, let left):
            "the campaign needs \(needed) and \(left) \(left == 1 ? "is" : "are") left"
        case .unknownReward: "no reward in the catalog has this id"
        }
    }
}

/// What decides whether one member may redeem one reward now.
public struct RedeemerState: Sendable, Hashable {
    public var tierID: String
    public var availablePoints: Int64
    /// The member's redemptions of this reward that were not cancelled: ever, and in the current period.
    public var redeemedEver: Int
    public var redeemedThisPeriod: Int
    /// Units left; `nil` when the reward has no stock limit.
    public var stockLeft: Int64?

    public init(tierID: String, availablePoints: Int64, redeemedEver: Int, redeemedThisPeriod: Int, stockLeft: Int64?) {
        self.tierID = tierID
        self.availablePoints = availablePoints
        self.redeemedEver = redeemedEver
        self.redeemedThisPeriod = redeemedThisPeriod
        self.stockLeft = stockLeft
    }
}

extension Reward {
    /// Every reason the member cannot redeem this reward at `instant`, in a fixed order; empty when they can.
    /// `cost` is what this redemption charges, the reward's price when nil (a granted reward costs nothing).
    public func refusals(
        for state: RedeemerState, at instant: Timestamp, charging cost: Int64? = nil
    )
        -> [RedemptionRefusal]
    {
        var refusals: [RedemptionRefusal] = []
        if !isActive(at: instant) { refusals.append(.inactive) }
        if let left = state.stockLeft, left <= 0 { refusals.append(.outOfStock) }
        if let tiers = eligibleTiers, !tiers.isEmpty, !tiers.contains(state.tierID) {
            refusals.append(.tierNotEligible(tierID: state.tierID))
        }
        let cost = cost ?? costPoints
        if state.availablePoints < cost {
            refusals.append(.insufficientPoints(available: max(0, state.availablePoints), cost: cost))
        }
        if let perMemberLimit, state.redeemedEver >= perMemberLimit {
            refusals.append(.memberLimitReached(limit: perMemberLimit))
        }
        if let periodLimit, state.redeemedThisPeriod >= periodLimit.count {
            refusals.append(.periodLimitReached(limit: periodLimit))
        }
        return refusals
    }
}

extension Reward {
    /// Why the reward cannot be given free to a member now. A gift is not a purchase: the member's tier does
    /// not restrict it and it costs no points; being offered, stock and the member's limits still apply.
    public func giftRefusals(for state: RedeemerState, at instant: Timestamp) -> [RedemptionRefusal] {
        refusals(for: state, at: instant, charging: 0).filter {
            if case .tierNotEligible = $0 { false } else { true }
        }
    }

    /// Why `count` members cannot all be given a unit, when `stockLeft` is short; nil when they can.
    public func stockRefusal(forGrantsTo count: Int, stockLeft: Int64?) -> RedemptionRefusal? {
        guard let left = stockLeft, left < Int64(count) else { return nil }
        return left <= 0 ? .outOfStock : .notEnoughStock(needed: count, left: left)
    }
}
