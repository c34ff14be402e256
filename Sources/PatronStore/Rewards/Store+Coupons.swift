import PatronCore
import SQLKit

/// Whether a coupon can be used now, and on a given order.
public struct CouponCheck: Sendable, Hashable {
    public var redemption: Redemption
    public var reward: Reward
    public var state: CouponState
    /// The discount on the order's total, when the coupon can be used on it and the total is known.
    public var discountMinor: Int64?
    /// Why the coupon cannot be used; empty when it can.
    public var problems: [CouponProblem]
}

/// What a till sends about the order: all optional for a check, the order id required to use a coupon.
public struct TillOrder: Sendable, Hashable {
    public var orderID: String?
    public var totalMinor: Int64?
    /// Whose order it is, for an order Patron has not recorded yet.
    public var memberID: String?

    public init(orderID: String? = nil, totalMinor: Int64? = nil, memberID: String? = nil) {
        self.orderID = orderID
        self.totalMinor = totalMinor
        self.memberID = memberID
    }
}

extension Store {
    /// Whether the coupon can be used at `now` on the order described, and its discount there.
    public func checkCoupon(code: String, order till: TillOrder, at now: Timestamp) async throws -> CouponCheck {
        guard let normalised = CouponCode.normalise(code) else { throw RewardError.couponNotFound(code: code) }
        return try await database.read { database in
            guard let redemption = try await RedemptionRows.find(couponCode: normalised, in: database),
                let stored = try await RewardRows.find(redemption.rewardID, in: database)
            else { throw RewardError.couponNotFound(code: code) }
            let order = try await Self.couponOrder(till, in: database)
            return CouponCheck(
                redemption: redemption, reward: stored.reward, state: redemption.state(at: now),
                discountMinor: redemption.discount(with: stored.reward, on: order, at: now),
                problems: redemption.problems(with: stored.reward, on: order, requiringTotal: false, at: now))
        }
    }

    /// Marks the coupon used on `orderID` at `now`, as ``Redemption/consumption(with:onOrder:_:at:)``
    /// decides. A cashback coupon credits its points here.
    public func useCoupon(
        code: String, orderID: String, order till: TillOrder, actor: String?, at instant: Timestamp
    ) async throws -> (result: Redemption, isReplay: Bool) {
        guard let normalised = CouponCode.normalise(code) else { throw RewardError.couponNotFound(code: code) }
        let ledger = self.ledger
        let programs = self.programs
        return try await database.write { database in
            let now = instant.millisecondsSinceEpoch
            guard let found = try await RedemptionRows.find(couponCode: normalised, in: database) else {
                throw RewardError.couponNotFound(code: code)
            }
            // Same lock order as redeeming and cancelling: the member's balance, then the coupon.
            var balance = try await ledger.lockBalance(memberID: found.memberID, at: now, in: database)
            guard var redemption = try await RedemptionRows.find(couponCode: normalised, in: database),
                let stored = try await RewardRows.find(redemption.rewardID, in: database)
            else { throw RewardError.couponNotFound(code: code) }
            var known = till
            known.orderID = orderID
            let order = try await Self.couponOrder(known, in: database)
            let cashback: Int64?
            switch redemption.consumption(with: stored.reward, onOrder: orderID, order, at: instant) {
            case .replay: return (redemption, true)
            case .refused(let problem): throw RewardError.couponRefused(code: normalised, problem: problem)
            case .use(let points): cashback = points
            }
            try await database.raw(
                """
                UPDATE redemptions SET status = \(bind: CouponState.used.rawValue), used_order_id = \(bind: orderID),
                    used_at = \(bind: now)
                WHERE redemption_id = \(bind: redemption.redemptionID)
                """
            ).run()
            try await Outbox.emit(
                .couponUsed, memberID: redemption.memberID,
                data: [
                    "redemption_id": .string(redemption.redemptionID), "reward_id": .string(redemption.rewardID),
                    "order_id": .string(orderID), "cashback_points": cashback.map { JSONValue($0) } ?? .null,
                ], at: now, in: database)
            if let cashback {
                let (_, program) = try await programs.current(in: database)
                let expiry = program.expiry.expiry(ofPointsEarnedAt: instant, offset: program.utcOffset)
                _ = try await ledger.addLot(
                    memberID: redemption.memberID, points: cashback, source: "cashback", sourceID: normalised,
                    kind: .earn, reason: "cashback from \(stored.reward.rewardID) on order \(orderID)", actor: actor,
                    earnedAt: now, availableAt: now, expiresAt: expiry?.millisecondsSinceEpoch, balance: &balance,
                    at: now, in: database)
                try await ledger.saveBalance(balance, memberID: redemption.memberID, at: now, in: database)
            }
            redemption.status = .used
            redemption.usedOrderID = orderID
            redemption.usedAt = instant
            return (redemption, false)
        }
    }

    /// The till's order with what Patron recorded of it.
    private static func couponOrder(_ till: TillOrder, in database: any SQLDatabase) async throws -> CouponOrder {
        var recorded: CouponOrder.Recorded?
        if let orderID = till.orderID,
            let row = try await database.raw(
                "SELECT member_id, total_minor FROM orders WHERE order_id = \(bind: orderID)"
            ).first()
        {
            recorded = CouponOrder.Recorded(
                memberID: try row.decode(column: "member_id", as: String.self),
                totalMinor: try row.decode(column: "total_minor", as: Int64.self))
        }
        return CouponOrder(
            orderID: till.orderID, sentTotalMinor: till.totalMinor, sentMemberID: till.memberID, recorded: recorded)
    }
}
