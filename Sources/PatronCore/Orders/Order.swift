/// A recorded order. Orders are immutable: a refund or correction is recorded beside it.
public struct Order: Sendable, Hashable {
    public var orderID: String
    public var memberID: String
    public var occurredAt: Timestamp
    public var currency: String
    public var channel: String
    public var storeID: String?
    public var lines: [OrderLine]
    public var subtotalMinor: Int64
    public var discountMinor: Int64
    public var shippingMinor: Int64
    public var totalMinor: Int64
    public var createdAt: Timestamp

    public init(
        orderID: String, memberID: String, occurredAt: Timestamp, currency: String, channel: String,
        storeID: String?, lines: [OrderLine], subtotalMinor: Int64, discountMinor: Int64, shippingMinor: Int64,
        totalMinor: Int64, createdAt: Timestamp
    ) {
        self.orderID = orderID
        self.memberID = memberID
        self.occurredAt = occurredAt
        self.currency = currency
        self.channel = channel
        self.storeID = storeID
        self.lines = lines
        self.subtotalMinor = subtotalMinor
        self.discountMinor = discountMinor
        self.shippingMinor = shippingMinor
        self.totalMinor = totalMinor
        self.createdAt = createdAt
    }
}

/// Why an order was refused.
public enum OrderError: Error, Sendable, Hashable {
    /// The order id was already used for an order with different content.
    case idReusedWithDifferentContent(orderID: String)
    case memberNotFound(memberID: String)
}
