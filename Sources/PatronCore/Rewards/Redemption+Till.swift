/// What using a coupon on an order comes to.
public enum CouponConsumption: Sendable, Hashable {
    /// Already used on this very order: answer as before, change nothing.
    case replay
    /// Mark it used; a cashback coupon credits these points.
    case use(cashbackPoints: Int64?)
    case refused(CouponProblem)
}

extension Redemption {
    /// Every reason the coupon cannot be used on `order` at `now`, in a fixed order; empty when it can.
    /// Without a known total the minimum spend is only a problem when `requiringTotal` (using it, not
    /// checking it).
    public func problems(
        with reward: Reward, on order: CouponOrder, requiringTotal: Bool, at now: Timestamp
    ) -> [CouponProblem] {
        var problems: [CouponProblem] = []
        let state = state(at: now)
        if state != .issued { problems.append(.notUsable(state: state)) }
        if reward.transferable != true, let owner = order.memberID, owner != memberID {
            problems.append(.notTransferable)
        }
        if let minimum = reward.minSpendMinor, minimum > 0 {
            if let total = order.totalMinor {
                if total < minimum {
                    problems.append(
                        .belowMinimumSpend(
                            minimumMinor: minimum, totalMinor: total, recorded: order.sentTotalMinor == nil))
                }
            } else if requiringTotal {
                problems.append(.orderTotalUnknown(minimumMinor: minimum))
            }
        }
        return problems
    }

    /// The discount the coupon gives on the order, when it can be used on it and its total is known.
    public func discount(with reward: Reward, on order: CouponOrder, at now: Timestamp) -> Int64? {
        guard problems(with: reward, on: order, requiringTotal: false, at: now).isEmpty,
            let total = order.totalMinor
        else { return nil }
        return reward.discount(onOrderOf: total)
    }

    /// Using the coupon on order `orderID`: once, on one order; a second use on the same order is a replay.
    public func consumption(
        with reward: Reward, onOrder orderID: String, _ order: CouponOrder, at now: Timestamp
    ) -> CouponConsumption {
        if status == .used {
            return usedOrderID == orderID ? .replay : .refused(.usedOnAnotherOrder(orderID: usedOrderID ?? ""))
        }
        if let problem = problems(with: reward, on: order, requiringTotal: true, at: now).first {
            return .refused(problem)
        }
        let cashback = reward.kind == .cashbackPoints ? reward.cashbackPoints.flatMap { $0 > 0 ? $0 : nil } : nil
        return .use(cashbackPoints: cashback)
    }
}
