/// What one arm of an experiment did: how many members, how many converted, and their revenue (each member's
/// sum, so also its square's sum, for the variance).
public struct ArmOutcome: Sendable, Hashable {
    public var members: Int
    public var conversions: Int
    public var revenue: Double
    public var revenueSquares: Double

    public init(members: Int, conversions: Int, revenue: Double, revenueSquares: Double) {
        self.members = members
        self.conversions = conversions
        self.revenue = revenue
        self.revenueSquares = revenueSquares
    }

    public var conversionRate: Double { members > 0 ? Double(conversions) / Double(members) : 0 }
    public var revenuePerMember: Double { members > 0 ? revenue / Double(members) : 0 }

    /// The sample variance of revenue per member.
    public var revenueVariance: Double {
        guard members > 1 else { return 0 }
        let n = Double(members)
        return max(0, (revenueSquares - revenue * revenue / n) / (n - 1))
    }
}

/// An arm's difference from the baseline, with its 95% confidence interval and two-sided p-value.
public struct Difference: Sendable, Hashable {
    public var estimate: Double
    public var lower: Double
    public var upper: Double
    public var pValue: Double

    public init(estimate: Double, lower: Double, upper: Double, pValue: Double) {
        self.estimate = estimate
        self.lower = lower
        self.upper = upper
        self.pValue = pValue
    }
}
