import PatronCore
import PatronStore

/// An order as the API shows it. Rendered only from the stored order, so a replay gets the same body.
struct OrderResource: Encodable {
    let order: Order
    /// The points the order earned; left out of lists.
    var awards: [AwardRecord]? = nil

    private enum CodingKeys: String, CodingKey {
        case orderID = "order_id"
        case memberID = "member_id"
        case occurredAt = "occurred_at"
        case currency, channel, lines
        case storeID = "store_id"
        case subtotalMinor = "subtotal_minor"
        case discountMinor = "discount_minor"
        case shippingMinor = "shipping_minor"
        case totalMinor = "total_minor"
        case createdAt = "created_at"
        case points
    }

    private enum LineKeys: String, CodingKey {
        case sku, name, category, quantity
        case unitPriceMinor = "unit_price_minor"
        case discountMinor = "discount_minor"
        case amountMinor = "amount_minor"
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(order.orderID, forKey: .orderID)
        try container.encode(order.memberID, forKey: .memberID)
        try container.encode(order.occurredAt, forKey: .occurredAt)
        try container.encode(order.currency, forKey: .currency)
        try container.encode(order.channel, forKey: .channel)
        try container.encode(order.storeID, forKey: .storeID)
        try container.encode(order.subtotalMinor, forKey: .subtotalMinor)
        try container.encode(order.discountMinor, forKey: .discountMinor)
        try container.encode(order.shippingMinor, forKey: .shippingMinor)
        try container.encode(order.totalMinor, forKey: .totalMinor)
        try container.encode(order.createdAt, forKey: .createdAt)
        if let awards { try container.encode(OrderPointsResource(awards: awards), forKey: .points) }
        var lines = container.nestedUnkeyedContainer(forKey: .lines)
        for line in order.lines {
            var item = lines.nestedContainer(keyedBy: LineKeys.self)
            try item.encode(line.sku, forKey: .sku)
            try item.encode(line.name, forKey: .name)
            try item.encode(line.category, forKey: .category)
            try item.encode(line.quantity, forKey: .quantity)
            try item.encode(line.unitPriceMinor, forKey: .unitPriceMinor)
            try item.encode(line.discountMinor, forKey: .discountMinor)
            try item.encode(line.amountMinor, forKey: .amountMinor)
        }
    }
}
