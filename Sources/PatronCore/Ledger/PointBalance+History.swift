extension PointBalance {
    /// The balance (spendable and pending) right after each of the latest journal entries, given newest first.
    /// The journal sums to the balance, so the newest entry leaves the current one and each older entry leaves
    /// what the entry after it started from.
    public static func balancesAfter(newestFirst points: [Int64], current: Int64) -> [Int64] {
        var balance = current
        return points.map { entry in
            defer { balance -= entry }
            return balance
        }
    }
}
