/// Why a points operation was refused. Nothing is written when one is thrown.
public enum LedgerError: Error, Sendable, Hashable {
    case insufficientPoints(available: Int64, requested: Int64)
    /// The refund policy is `refuse` and the points to take back were already spent.
    case refundRefused(shortfall: Int64)
    case orderNotFound(orderID: String)
    case memberNotFound(memberID: String)
    /// A refund names a SKU the order does not have, or more units than are left to refund.
    case refundExceedsOrder(sku: String, requested: Int64, refundable: Int64)
    /// The order's lines were summed into monthly totals by the retention policy: nothing is left to refund.
    case orderLinesSummarised(orderID: String)
    /// The same idempotency key or refund id was sent before with a different request.
    case keyReused(key: String)
    case lotNotFound(lotID: String)
    case lotNotPending(lotID: String, status: LotStatus)
}
