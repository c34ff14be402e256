/// Points a redemption took from one lot, and where that lot stands now.
public struct PaidDraw: Sendable, Hashable {
    public var lotID: String
    public var points: Int64
    public var lotStatus: LotStatus
    public var lotExpiresAt: Timestamp?

    public init(lotID: String, points: Int64, lotStatus: LotStatus, lotExpiresAt: Timestamp?) {
        self.lotID = lotID
        self.points = points
        self.lotStatus = lotStatus
        self.lotExpiresAt = lotExpiresAt
    }
}
