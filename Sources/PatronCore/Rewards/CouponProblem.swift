/// Why a coupon cannot be used on an order. Codes are stable; the API shows them with a sentence.
public enum CouponProblem: Sendable, Hashable {
    /// Used, cancelled, expired or a donation.
    case notUsable(state: CouponState)
    case usedOnAnotherOrder(orderID: String)
    /// The order is another member's and the reward is not `transferable`.
    case notTransferable
    /// The reward has a minimum spend and neither a total was sent nor the order recorded.
    case orderTotalUnknown(minimumMinor: Int64)
    /// `recorded` when the total is the recorded order's, not one the till sent.
    case belowMinimumSpend(minimumMinor: Int64, totalMinor: Int64, recorded: Bool)

    public var code: String {
        switch self {
        case .notUsable: "not_usable"
        case .usedOnAnotherOrder: "used_on_another_order"
        case .notTransferable: "not_transferable"
        case .orderTotalUnknown: "order_total_unknown"
        case .belowMinimumSpend: "below_minimum_spend"
        }
    }

    public var detail: String {
        switch self {
        case .notUsable(let state): "the coupon is \(state.rawValue)"
        case .usedOnAnotherOrder(let orderID): "the coupon was already used on order '\(orderID)'"
        case .notTransferable: "the coupon belongs to another member and is not transferable"
        case .orderTotalUnknown(let minimum):
            "the coupon needs an order of at least \(minimum); send order_total_minor or record the order first"
        case .belowMinimumSpend(let minimum, let total, false):
            "the order total \(total) is below the coupon's minimum spend of \(minimum)"
        case .belowMinimumSpend(let minimum, let total, true):
            "the recorded order totals \(total), below the coupon's minimum spend of \(minimum)"
        }
    }
}
