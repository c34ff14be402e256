/// What a till knows about the order it wants to use a coupon on.
public struct CouponOrder: Sendable, Hashable {
    /// The order as Patron recorded it.
    public struct Recorded: Sendable, Hashable {
        public var memberID: String
        public var totalMinor: Int64

        public init(memberID: String, totalMinor: Int64) {
            self.memberID = memberID
            self.totalMinor = totalMinor
        }
    }

    public var orderID: String?
    /// The total the till sent, which counts before the recorded one.
    public var sentTotalMinor: Int64?
    /// The member the till says the order is for, used while the order is not recorded.
    public var sentMemberID: String?
    public var recorded: Recorded?

    public init(
        orderID: String? = nil, sentTotalMinor: Int64? = nil, sentMemberID: String? = nil, recorded: Recorded? = nil
    ) {
        self.orderID = orderID
        self.sentTotalMinor = sentTotalMinor
        self.sentMemberID = sentMemberID
        self.recorded = recorded
    }

    /// The total to check a minimum spend against, when known.
    public var totalMinor: Int64? { sentTotalMinor ?? recorded?.totalMinor }

    /// Whose order it is, when known: the recorded order's member, else the one the till named.
    public var memberID: String? { recorded?.memberID ?? sentMemberID }
}
