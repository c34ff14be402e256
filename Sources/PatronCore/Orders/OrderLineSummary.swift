/// Monthly product totals that replace order lines once the retention policy no longer keeps them line by line:
/// what sold, where and when to the month, without whose order it was.
public struct OrderLineSummary: Sendable, Hashable {
    public struct Key: Sendable, Hashable, Comparable {
        /// `YYYY-MM` in the program's time zone.
        public var month: String
        public var currency: String
        public var channel: String
        /// Empty when the order named no store.
        public var storeID: String
        public var sku: String
        /// Empty when the line named no category.
        public var category: String

        public static func < (lhs: Key, rhs: Key) -> Bool {
            (lhs.month, lhs.currency, lhs.channel, lhs.storeID, lhs.sku, lhs.category)
                < (rhs.month, rhs.currency, rhs.channel, rhs.storeID, rhs.sku, rhs.category)
        }
    }

    public var lines: Int64 = 0
    public var quantity: Int64 = 0
    /// Quantity × unit price, before the lines' own discounts.
    public var grossMinor: Int64 = 0
    public var discountMinor: Int64 = 0

    /// One line as its order recorded it, with the order's facts the totals keep.
    public struct Line: Sendable, Hashable {
        public var occurredAt: Timestamp
        public var currency: String
        public var channel: String
        public var storeID: String?
        public var sku: String
        public var category: String?
        public var quantity: Int64
        public var unitPriceMinor: Int64
        public var discountMinor: Int64

        public init(
            occurredAt: Timestamp, currency: String, channel: String, storeID: String?, sku: String,
            category: String?, quantity: Int64, unitPriceMinor: Int64, discountMinor: Int64
        ) {
            self.occurredAt = occurredAt
            self.currency = currency
            self.channel = channel
            self.storeID = storeID
            self.sku = sku
            self.category = category
            self.quantity = quantity
            self.unitPriceMinor = unitPriceMinor
            self.discountMinor = discountMinor
        }
    }

    /// The totals of `lines` by month, currency, channel, store, SKU and category.
    public static func summarise(_ lines: [Line], offset: UTCOffset) -> [Key: OrderLineSummary] {
        var summaries: [Key: OrderLineSummary] = [:]
        for line in lines {
            let key = Key(
                month: offset.date(of: line.occurredAt).monthString, currency: line.currency, channel: line.channel,
                storeID: line.storeID ?? "", sku: line.sku, category: line.category ?? "")
            summaries[key, default: OrderLineSummary()].add(line)
        }
        return summaries
    }

    mutating func add(_ line: Line) {
        lines += 1
        quantity += line.quantity
        // Order checks bound quantity × price (≤ 10^13 each), so the product fits.
        grossMinor += line.quantity * line.unitPriceMinor
        discountMinor += line.discountMinor
    }
}
