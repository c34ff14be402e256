/// A referred member's order that starts the wait for the return window: applied only to a referral still
/// in `from` (`joined`), so the first qualifying order wins and later ones change nothing.
public struct ReferralQualification: Sendable, Hashable {
    public var refereeID: String
    public var orderID: String
    public var dueAt: Timestamp
    public var from: ReferralStatus
    public var to: ReferralStatus

    /// The qualification `order` would start, or nil when it is below the minimum.
    public init?(order: Order, program: ReferralProgram, returnWindowDays: Int) {
        guard order.totalMinor >= program.minOrderMinor else { return nil }
        refereeID = order.memberID
        orderID = order.orderID
        dueAt = Timestamp(
            millisecondsSinceEpoch: order.occurredAt.millisecondsSinceEpoch + Int64(returnWindowDays) * 86_400_000)
        from = .joined
        to = .qualifying
    }
}
