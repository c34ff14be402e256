/// What a refund decision needs to know about the order and its member.
public struct RefundFacts: Sendable, Hashable {
    /// The order's lines with what each earned and how many units were refunded before.
    public var lines: [RefundableLine]
    /// The order's lots that still hold points (pending or spendable), in the order they are taken back.
    public var orderLots: [OrderLot]
    /// Points of the order's lots that expired or were cancelled.
    public var lapsedPoints: Int64
    /// What earlier refunds of the order settled: points taken back plus points forgiven.
    public var settledBefore: Int64
    /// The member's other spendable lots, which pay back points of the order the member already spent.
    public var otherLots: [LotBalance]
    public var policy: RefundPolicy

    public init(
        lines: [RefundableLine], orderLots: [OrderLot], lapsedPoints: Int64, settledBefore: Int64,
        otherLots: [LotBalance], policy: RefundPolicy
    ) {
        self.lines = lines
        self.orderLots = orderLots
        self.lapsedPoints = lapsedPoints
        self.settledBefore = settledBefore
        self.otherLots = otherLots
        self.policy = policy
    }
}

/// One order line as a refund sees it.
public struct RefundableLine: Sendable, Hashable {
    public var lineNumber: Int64
    public var sku: String
    public var quantity: Int64
    /// The line's amount after order-level discounts, in minor units: its qualifying spend.
    public var netMinor: Int64
    /// The points the line earned, order-level awards included in proportion.
    public var points: Int64
    public var refundedQuantity: Int64

    public init(
        lineNumber: Int64, sku: String, quantity: Int64, netMinor: Int64, points: Int64, refundedQuantity: Int64
    ) {
        self.lineNumber = lineNumber
        self.sku = sku
        self.quantity = quantity
        self.netMinor = netMinor
        self.points = points
        self.refundedQuantity = refundedQuantity
    }
}

/// A lot the order earned that still holds points.
public struct OrderLot: Sendable, Hashable {
    public var lotID: String
    public var remaining: Int64
    public var status: LotStatus

    public init(lotID: String, remaining: Int64, status: LotStatus) {
        self.lotID = lotID
        self.remaining = remaining
        self.status = status
    }
}
