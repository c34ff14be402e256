/// One test of a member, on a fact the store knows or derives. Windows (`days`) end at the moment the segment is
/// evaluated; amounts are minor units of the program's currency; a member with no orders has no recency and is
/// matched by `orders` with `max: 0`, not by `days_since_last_order`.
public enum SegmentCondition: Sendable, Hashable {
    /// The tier the member holds is one of these (the lowest until their first change of tier).
    case tier(Set<String>)
    /// Days since the member joined.
    case daysSinceJoined(NumberRange)
    /// A profile attribute (`attributes.city`) equals one of these values, compared as text.
    case attribute(key: String, values: Set<String>)
    case pointsAvailable(NumberRange)
    /// Points that expire within `days`.
    case pointsExpiring(days: Int, NumberRange)
    /// Days since the member's last order.
    case daysSinceLastOrder(NumberRange)
    /// Orders in the last `days`, or ever.
    case orders(days: Int?, NumberRange)
    /// Spend in the last `days`, or ever.
    case spend(days: Int?, NumberRange)
    /// An order at one of these stores in the last `days`, or ever.
    case boughtAt(stores: Set<String>, days: Int?)
    /// An order through one of these channels in the last `days`, or ever.
    case boughtThrough(channels: Set<Channel>, days: Int?)
    /// The member's RFM segment today is one of these (members who never ordered have none).
    case rfmSegment(Set<String>)
    /// The member's lifecycle stage today is one of these.
    case lifecycleStage(Set<String>)
    /// The probability that the member is still a customer, from the newest lifetime-value fit.
    case probabilityAlive(NumberRange)
    /// The member has given consent for `purpose` (for marketing, on `channel`) and not withdrawn it.
    case consent(purpose: ConsentPurpose, channel: ConsentChannel?)
    /// Tickets about the member not yet resolved or closed.
    case openTickets(NumberRange)

    public enum Field: String, Sendable, CaseIterable {
        case tier
        case daysSinceJoined = "days_since_joined"
        case attribute
        case pointsAvailable = "points_available"
        case pointsExpiring = "points_expiring"
        case daysSinceLastOrder = "days_since_last_order"
        case orders
        case spendMinor = "spend_minor"
        case store
        case channel
        case rfmSegment = "rfm_segment"
        case lifecycleStage = "lifecycle_stage"
        case probabilityAlive = "p_alive"
        case consent
        case openTickets = "open_tickets"
    }
}

/// `min` ≤ value ≤ `max`, either end open; whole numbers except for probabilities.
public struct NumberRange: Sendable, Hashable {
    public var min: Double?
    public var max: Double?

    public init(min: Double? = nil, max: Double? = nil) {
        self.min = min
        self.max = max
    }

    public func contains(_ value: Double) -> Bool {
        (min.map { value >= $0 } ?? true) && (max.map { value <= $0 } ?? true)
    }

    public func contains(_ value: Int64) -> Bool { contains(Double(value)) }

    /// Whether a member absent from a fact's rows (no orders, no points, no tickets) holds: they count as 0.
    public var containsZero: Bool { contains(0.0) }
}
