/// One line of an order, validated.
public struct OrderLine: Sendable, Hashable, Codable {
    public var sku: String
    public var name: String?
    public var category: String?
    public var quantity: Int64
    public var unitPriceMinor: Int64
    /// A discount on this line only, in minor units.
    public var discountMinor: Int64

    public init(
        sku: String, name: String? = nil, category: String? = nil, quantity: Int64, unitPriceMinor: Int64,
        discountMinor: Int64 = 0
    ) {
        self.sku = sku
        self.name = name
        self.category = category
        self.quantity = quantity
        self.unitPriceMinor = unitPriceMinor
        self.discountMinor = discountMinor
    }

    /// quantity × unit price − line discount.
    public var amountMinor: Int64 { quantity * unitPriceMinor - discountMinor }

    /// What each line cost after its own discount and its share of the order's discount: what earns points and
    /// counts for tiers, and what a refund of the line gives back.
    public static func netAmounts(of lines: [OrderLine], orderDiscountMinor: Int64) -> [Int64] {
        let gross = lines.map { max(0, $0.amountMinor) }
        let shares = Allocation.proportional(min(orderDiscountMinor, gross.reduce(0, +)), weights: gross)
        return zip(gross, shares).map { $0 - $1 }
    }
}

/// Who placed an order: an existing member by id, or a profile to find or create the member by.
public enum OrderCustomer: Sendable, Hashable {
    case memberID(String)
    case profile(MemberProfile)
}

/// A purchase as submitted to `POST /v1/orders`, validated: amounts add up and every field is well-formed.
public struct OrderSubmission: Sendable, Hashable {
    public var orderID: String
    public var customer: OrderCustomer
    public var occurredAt: Timestamp
    public var currency: Currency
    public var channel: Channel
    public var storeID: String?
    public var lines: [OrderLine]
    public var discountMinor: Int64
    public var shippingMinor: Int64
    public var totalMinor: Int64
    /// Consent statements the customer made at the till (`member.consents`), recorded with the order.
    public var consents: [ConsentRecord] = []

    /// The sum of line amounts, before order-level discount and shipping.
    public var subtotalMinor: Int64 { lines.reduce(0) { $0 + $1.amountMinor } }

    public static let maximumLines = 500
    /// Keeps every sum far from overflow: 10^13 minor units is 100 billion in a 2-digit currency.
    static let maximumAmountMinor: Int64 = 10_000_000_000_000

    /// How far into the future `occurred_at` may lie, for tills whose clocks run a little ahead: 5 minutes.
    /// A later order would wait for its time to earn and count; it is refused instead.
    public static let maximumClockSkewMilliseconds: Int64 = 5 * 60_000

    /// Validates a decoded request body received at `now`, reporting every problem at once.
    public static func parse(_ body: JSONValue, receivedAt now: Timestamp) throws(ValidationFailure) -> OrderSubmission
    {
        var reader = FieldReader(body)
        let orderID = reader.string("order_id", required: true, maxLength: 128)?.trimmingWhitespace()
        let (customer, consents) = readCustomer(&reader, at: now)
        let occurredAt = reader.timestamp("occurred_at", required: true)
        let latest = Timestamp(millisecondsSinceEpoch: now.millisecondsSinceEpoch + maximumClockSkewMilliseconds)
        if let occurredAt, occurredAt > latest {
            reader.fail("occurred_at", "must not be more than 5 minutes in the future (after \(latest.rfc3339))")
        }
        var currency: Currency?
        if let code = reader.string("currency", required: true, maxLength: 3) {
            currency = Currency(code: code)
            if currency == nil { reader.fail("currency", "must be an ISO 4217 currency code such as CNY") }
        }
        var channel = Channel.other
        if let text = reader.string("channel", maxLength: 32) {
            if let parsed = Channel(rawValue: text) {
                channel = parsed
            } else {
                reader.fail("channel", "must be one of \(Channel.allCases.map(\.rawValue).joined(separator: ", "))")
            }
        }
        let storeID = reader.string("store_id", maxLength: 128)
        let lines = readLines(&reader)
        let discount = amount(&reader, "discount_minor") ?? 0
        let shipping = amount(&reader, "shipping_minor") ?? 0
        let total = amount(&reader, "total_minor", required: true)
        try reader.finish()

        guard let orderID, let customer, let occurredAt, let currency, let lines, let total else {
            throw ValidationFailure(pointer: "/", detail: "is incomplete")
        }
        var order = OrderSubmission(
            orderID: orderID, customer: customer, occurredAt: occurredAt, currency: currency, channel: channel,
            storeID: storeID, lines: lines, discountMinor: discount, shippingMinor: shipping, totalMinor: total)
        order.consents = consents
        try order.checkTotals()
        return order
    }

    private static func readCustomer(
        _ reader: inout FieldReader, at now: Timestamp
    ) -> (
        OrderCustomer?, [ConsentRecord]
    ) {
        if let memberID = reader.string("member_id", maxLength: 64) {
            return (.memberID(memberID), [])
        }
        guard let member = reader.raw("member") else {
            reader.fail("member", "is required (or give member_id)")
            return (nil, [])
        }
        var memberReader = FieldReader(member, pointer: reader.path("member"))
        let profile = MemberProfile.read(from: &memberReader)
        let consents = ConsentRecord.readList("consents", from: &memberReader, at: now) ?? []
        if memberReader.errors.isEmpty, !profile.hasIdentity {
            memberReader.fail("external_id", "is required unless email or phone is given")
        }
        reader.absorb(memberReader.errors)
        return (profile.hasIdentity ? .profile(profile) : nil, consents)
    }

    private static func readLines(_ reader: inout FieldReader) -> [OrderLine]? {
        guard let items = reader.array("lines", required: true) else { return nil }
        if items.isEmpty { reader.fail("lines", "must hold at least one line") }
        if items.count > maximumLines { reader.fail("lines", "must hold at most \(maximumLines) lines") }
        var lines: [OrderLine] = []
        for (index, item) in items.prefix(maximumLines).enumerated() {
            var lineReader = FieldReader(item, pointer: reader.path("lines/\(index)"))
            let sku = lineReader.string("sku", required: true, maxLength: 128)
            let name = lineReader.string("name", maxLength: 200)
            let category = lineReader.string("category", maxLength: 128)
            let quantity = lineReader.integer("quantity", required: true)
            if let quantity, quantity <= 0 || quantity > 1_000_000 {
                lineReader.fail("quantity", "must be a whole number from 1 to 1000000")
            }
            let unitPrice = amount(&lineReader, "unit_price_minor", required: true)
            let discount = amount(&lineReader, "discount_minor") ?? 0
            if let quantity, let unitPrice, quantity > 0, quantity <= 1_000_000 {
                // Each factor is bounded, their product is not: 10^6 × 10^13 does not fit in 64 bits.
                let (gross, overflow) = quantity.multipliedReportingOverflow(by: unitPrice)
                if overflow || gross > maximumAmountMinor {
                    lineReader.fail(
                        "unit_price_minor", "quantity × unit_price_minor must not exceed \(maximumAmountMinor)")
                } else if discount > gross {
                    lineReader.fail("discount_minor", "must not exceed quantity × unit_price_minor")
                }
            }
            reader.absorb(lineReader.errors)
            if lineReader.errors.isEmpty, let sku, let quantity, let unitPrice {
                lines.append(
                    OrderLine(
                        sku: sku, name: name, category: category, quantity: quantity, unitPriceMinor: unitPrice,
                        discountMinor: discount))
            }
        }
        return lines.count == items.count ? lines : nil
    }

    private static func amount(_ reader: inout FieldReader, _ key: String, required: Bool = false) -> Int64? {
        guard let value = reader.integer(key, required: required) else { return nil }
        guard value >= 0, value <= maximumAmountMinor else {
            reader.fail(key, "must be a whole number of minor units from 0 to \(maximumAmountMinor)")
            return nil
        }
        return value
    }

    private func checkTotals() throws(ValidationFailure) {
        let subtotal = subtotalMinor
        guard subtotal <= Self.maximumAmountMinor else {
            throw ValidationFailure(
                pointer: "/lines", detail: "the lines add up to more than \(Self.maximumAmountMinor)")
        }
        if discountMinor > subtotal {
            throw ValidationFailure(
                pointer: "/discount_minor", detail: "must not exceed the lines' subtotal \(subtotal)")
        }
        let expected = subtotal - discountMinor + shippingMinor
        if totalMinor != expected {
            throw ValidationFailure(
                pointer: "/total_minor",
                detail: "must equal the lines (\(subtotal)) − discount_minor (\(discountMinor)) + shipping_minor "
                    + "(\(shippingMinor)) = \(expected)")
        }
    }
}
