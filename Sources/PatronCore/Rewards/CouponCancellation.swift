/// What cancelling a coupon does with the points it was paid with. Every point paid lands in exactly one
/// of the three lists, so the journal keeps accounting for all of them.
public struct CouponCancellation: Sendable, Hashable {
    /// Back into lots that can still be spent.
    public var restored: [LotDraw]
    /// Paid from lots that have expired since: given back and expired at once.
    public var expired: [LotDraw]
    /// Paid from lots a refund has since taken back: given back and taken back with them.
    public var reversed: [LotDraw]

    public init(restored: [LotDraw] = [], expired: [LotDraw] = [], reversed: [LotDraw] = []) {
        self.restored = restored
        self.expired = expired
        self.reversed = reversed
    }

    public var restoredPoints: Int64 { restored.reduce(0) { $0 + $1.points } }
    public var expiredPoints: Int64 { expired.reduce(0) { $0 + $1.points } }
    public var reversedPoints: Int64 { reversed.reduce(0) { $0 + $1.points } }

    /// Sorts what each lot paid by where that lot stands at `now`.
    public init(paidFrom draws: [PaidDraw], at now: Timestamp) {
        self.init()
        for draw in draws where draw.points > 0 {
            let back = LotDraw(lotID: draw.lotID, points: draw.points)
            if draw.lotStatus == .expired || draw.lotExpiresAt.map({ $0 <= now }) == true {
                expired.append(back)
            } else if draw.lotStatus == .active || draw.lotStatus == .spent {
                restored.append(back)
            } else {
                reversed.append(back)
            }
        }
    }
}

/// Whether a coupon can be cancelled, and how.
public enum CancellationDecision: Sendable, Hashable {
    /// Cancelled before: answer the same, change nothing.
    case alreadyCancelled
    case cancel(CouponCancellation)
}

extension Redemption {
    /// Only an issued coupon, neither used nor expired, is cancelled; cancelling again is answered the same.
    public func cancellation(
        paidFrom draws: [PaidDraw], at now: Timestamp
    ) throws(RewardError) -> CancellationDecision {
        let state = state(at: now)
        if state == .cancelled { return .alreadyCancelled }
        guard state == .issued else { throw .notCancellable(redemptionID: redemptionID, state: state) }
        return .cancel(CouponCancellation(paidFrom: draws, at: now))
    }
}
