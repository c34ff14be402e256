/// What is left of one award of points, as the ledger's spending rules see it.
public struct LotBalance: Sendable, Hashable {
    public var lotID: String
    public var remaining: Int64
    public var expiresAt: Timestamp?
    public var earnedAt: Timestamp

    public init(lotID: String, remaining: Int64, expiresAt: Timestamp?, earnedAt: Timestamp) {
        self.lotID = lotID
        self.remaining = remaining
        self.expiresAt = expiresAt
        self.earnedAt = earnedAt
    }
}

/// Points taken from one lot.
public struct LotDraw: Sendable, Hashable, Codable {
    public var lotID: String
    public var points: Int64

    public init(lotID: String, points: Int64) {
        self.lotID = lotID
        self.points = points
    }

    enum CodingKeys: String, CodingKey {
        case lotID = "lot_id"
        case points
    }
}

/// The ledger's arithmetic: which lots pay for a spend, and what a refund takes back.
public enum PointLots {
    /// Lots in the order they are spent: soonest expiry first (never-expiring last), then oldest, then by id.
    public static func spendingOrder(_ lots: [LotBalance]) -> [LotBalance] {
        lots.sorted { left, right in
            let leftExpiry = left.expiresAt?.millisecondsSinceEpoch ?? .max
            let rightExpiry = right.expiresAt?.millisecondsSinceEpoch ?? .max
            return (leftExpiry, left.earnedAt.millisecondsSinceEpoch, left.lotID)
                < (rightExpiry, right.earnedAt.millisecondsSinceEpoch, right.lotID)
        }
    }

    /// Takes up to `points` from `lots` in spending order; takes less when the lots hold less.
    public static func draw(upTo points: Int64, from lots: [LotBalance]) -> [LotDraw] {
        var left = points
        var draws: [LotDraw] = []
        for lot in spendingOrder(lots) where left > 0 && lot.remaining > 0 {
            let taken = min(left, lot.remaining)
            draws.append(LotDraw(lotID: lot.lotID, points: taken))
            left -= taken
        }
        return draws
    }

    /// Takes exactly `points`, or returns nil when the lots hold less.
    public static func spend(_ points: Int64, from lots: [LotBalance]) -> [LotDraw]? {
        let draws = draw(upTo: points, from: lots)
        return draws.reduce(0) { $0 + $1.points } == points ? draws : nil
    }

    /// The share of `earned` that `refundingNow` more units of `quantity` carry, after `refundedBefore` units
    /// were already refunded. Computed cumulatively, so partial refunds never take back more than `earned`
    /// and refunding every unit takes back all of it.
    public static func refundShare(
        of earned: Int64, quantity: Int64, refundedBefore: Int64, refundingNow: Int64
    ) -> Int64 {
        guard quantity > 0 else { return 0 }
        let after = min(quantity, refundedBefore + refundingNow)
        return earned * after / quantity - earned * refundedBefore / quantity
    }
}
