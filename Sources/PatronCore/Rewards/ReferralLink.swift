/// A new member linked to the member who referred them.
public struct ReferralLink: Sendable, Hashable, Codable {
    public var refereeID: String
    public var referrerID: String
    public var status: ReferralStatus
    /// The qualifying order, while `qualifying` and once `rewarded`.
    public var orderID: String?
    /// When the qualifying order's return window closes.
    public var dueAt: Timestamp?
    public var rewardedAt: Timestamp?
    public var createdAt: Timestamp

    public init(
        refereeID: String, referrerID: String, status: ReferralStatus, orderID: String? = nil, dueAt: Timestamp? = nil,
        rewardedAt: Timestamp? = nil, createdAt: Timestamp
    ) {
        self.refereeID = refereeID
        self.referrerID = referrerID
        self.status = status
        self.orderID = orderID
        self.dueAt = dueAt
        self.rewardedAt = rewardedAt
        self.createdAt = createdAt
    }

    enum CodingKeys: String, CodingKey {
        case refereeID = "referee_id"
        case referrerID = "referrer_id"
        case status
        case orderID = "order_id"
        case dueAt = "due_at"
        case rewardedAt = "rewarded_at"
        case createdAt = "created_at"
    }

    /// The link after `orderID` was refunded at `refundedAt`, or nil when the refund changes nothing. Only a
    /// refund of the qualifying order inside its return window sends the referral back to waiting for
    /// another order; a later one is judged by its own time, however late the settlement runs.
    public func afterRefund(ofOrder orderID: String, at refundedAt: Timestamp) -> ReferralLink? {
        guard status == .qualifying, self.orderID == orderID, let dueAt, refundedAt < dueAt else { return nil }
        var link = self
        link.status = .joined
        link.orderID = nil
        link.dueAt = nil
        return link
    }

    /// Whether the qualifying order outlived its return window by `instant`, so both members are rewarded.
    public func isDue(at instant: Timestamp) -> Bool {
        guard status == .qualifying, let dueAt else { return false }
        return dueAt <= instant
    }
}
