/// Where a lot of points stands: `pending` until spendable, `active` while it holds points, then `spent`,
/// `expired`, `reversed` (taken back by a refund) or `cancelled` (a pending award withdrawn).
public enum PointLotStatus: String, Sendable, Hashable, Codable, CaseIterable {
    case pending, active, spent, expired, reversed, cancelled
}
