/// The points that moved in a period, by what moved them.
public struct PointsFlow: Sendable, Hashable {
    /// Earned, pending or spendable.
    public var issued: Int64
    /// Spent on rewards and as payment, net of cancelled redemptions' refunds.
    public var redeemed: Int64
    public var expired: Int64
    /// Taken back by refunds and cancelled lots.
    public var reversed: Int64
    /// Manual adjustments, in and out (net).
    public var adjusted: Int64

    public init(issued: Int64, redeemed: Int64, expired: Int64, reversed: Int64, adjusted: Int64) {
        self.issued = issued
        self.redeemed = redeemed
        self.expired = expired
        self.reversed = reversed
        self.adjusted = adjusted
    }

    /// The flow from the journal's sums per entry kind (as signed in the journal: earnings positive, the rest
    /// negative).
    public init(sums: [PointEntryKind: Int64]) {
        issued = sums[.earn, default: 0]
        redeemed = -(sums[.spend, default: 0] + sums[.restore, default: 0])
        expired = -sums[.expire, default: 0]
        reversed = -(sums[.reverse, default: 0] + sums[.cancel, default: 0])
        adjusted = sums[.adjust, default: 0]
    }

    /// How much what members hold changed over the period.
    public var net: Int64 { issued - redeemed - expired - reversed + adjusted }

    /// Redeemed ÷ issued in the period, nil when nothing was issued.
    public var redemptionRate: Double? {
        issued > 0 ? Double(redeemed) / Double(issued) : nil
    }

    /// Of the points that left members' balances unspent or spent in the period, the share that expired:
    /// expired ÷ (redeemed + expired), nil when none left.
    public var breakageRate: Double? {
        let left = redeemed + expired
        return left > 0 ? Double(expired) / Double(left) : nil
    }
}
