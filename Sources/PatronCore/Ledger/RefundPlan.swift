/// What a refund changes, decided by ``Refund/plan(refunding:facts:)``; the store applies it in one transaction.
public struct RefundPlan: Sendable, Hashable {
    /// Units refunded now, per order line.
    public var lines: [RefundedLine] = []
    /// The qualifying spend taken away.
    public var amountMinor: Int64 = 0
    /// The points the refunded units had earned.
    public var pointsEarned: Int64 = 0
    /// Taken back from the order's own lots.
    public var fromOrderLots: [LotDraw] = []
    /// Taken from the member's other spendable lots, for points of the order already spent.
    public var fromOtherLots: [LotDraw] = []
    /// Of the points taken, those that were pending and those that were spendable.
    public var pendingTaken: Int64 = 0
    public var availableTaken: Int64 = 0
    /// Points of the order that had already expired or been cancelled: nothing to take back.
    public var lapsed: Int64 = 0
    /// Spent points the policy `take_available` let the member keep.
    public var forgiven: Int64 = 0
    /// Spent points the member now owes (policy `allow_negative`).
    public var owed: Int64 = 0

    public init() {}

    /// The points the journal's `reverse` entry takes: from lots, plus what is now owed.
    public var reversed: Int64 { pendingTaken + availableTaken + owed }

    /// The balance after the refund. Lapsed points leave lifetime earnings as they are: their earning stood,
    /// and cancelling a pending lot already took it out.
    public func applied(to balance: PointBalance) -> PointBalance {
        var after = balance
        after.pending -= pendingTaken
        after.available -= availableTaken + owed
        after.debt += owed
        after.lifetimeEarned -= reversed + forgiven
        return after
    }
}

/// Units of one order line a refund covers.
public struct RefundedLine: Sendable, Hashable {
    public var lineNumber: Int64
    public var quantity: Int64

    public init(lineNumber: Int64, quantity: Int64) {
        self.lineNumber = lineNumber
        self.quantity = quantity
    }
}
