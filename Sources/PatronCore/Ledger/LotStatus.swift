/// Where one award of points stands. A lot is `pending` until its points may be spent, `active` while they may,
/// and ends in one of the other states once nothing remains of it.
public enum LotStatus: String, Sendable, Hashable, Codable, CaseIterable {
    case pending, active
    /// Every point was spent (or repaid debt).
    case spent
    /// What remained passed its expiry.
    case expired
    /// A refund took back what remained.
    case reversed
    /// Staff cancelled the award while it was pending.
    case cancelled
}
