/// A member's derived balance. `available` may be negative only while `debt` is owed.
public struct PointBalance: Sendable, Hashable, Codable {
    public var available: Int64
    public var pending: Int64
    public var lifetimeEarned: Int64
    /// Points owed after a refund took back more than was available (refund policy `allow_negative`);
    /// later earnings repay it first.
    public var debt: Int64

    public static let zero = PointBalance(available: 0, pending: 0, lifetimeEarned: 0, debt: 0)

    public init(available: Int64, pending: Int64, lifetimeEarned: Int64, debt: Int64) {
        self.available = available
        self.pending = pending
        self.lifetimeEarned = lifetimeEarned
        self.debt = debt
    }

    enum CodingKeys: String, CodingKey {
        case available, pending
        case lifetimeEarned = "lifetime_earned"
        case debt
    }
}

/// The kinds of journal entries.
public enum PointEntryKind: String, Sendable, Codable, CaseIterable {
    case earn, spend, expire, reverse, adjust, cancel
    /// Points given back to the lots a cancelled redemption was paid from.
    case restore
    /// An earning repaying debt: moves no points, records which lot paid.
    case settle
}

extension PointBalance {
    /// Adds a new lot of `points`. Spendable points repay debt first (`available` already counts the debt
    /// as negative); answers how many did, which the lot gives up at once.
    public mutating func credit(_ points: Int64, pending: Bool) -> Int64 {
        lifetimeEarned += points
        guard !pending else {
            self.pending += points
            return 0
        }
        available += points
        return repayDebt(upTo: points)
    }

    /// A pending lot's `points` become spendable; like a new lot, they repay debt first.
    public mutating func release(_ points: Int64) -> Int64 {
        pending -= points
        available += points
        return repayDebt(upTo: points)
    }

    private mutating func repayDebt(upTo points: Int64) -> Int64 {
        let repaid = min(debt, points)
        debt -= repaid
        return repaid
    }
}
