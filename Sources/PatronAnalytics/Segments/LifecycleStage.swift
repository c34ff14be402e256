/// Where a customer stands in their relationship with the programme.
public enum LifecycleStage: String, Sendable, Hashable, Codable, CaseIterable {
    /// Joined recently.
    case new
    /// Buying as expected.
    case active
    /// Quiet for longer than usual, but still likely to return.
    case dormant
    /// Likely to be lost without intervention.
    case atRisk
    /// Very probably gone.
    case churned
}

/// Thresholds for ``LifecycleStage``; every one can be changed to fit a business's purchase cycle.
public struct LifecycleThresholds: Sendable, Hashable, Codable {
    /// A customer whose first order is at most this many days old is new.
    public var newCustomerDays: Int
    /// More days than this since the last order make a customer dormant.
    public var dormantAfterDays: Int
    /// More days than this since the last order make a customer at risk.
    public var atRiskAfterDays: Int
    /// More days than this since the last order make a customer churned.
    public var churnedAfterDays: Int
    /// A probability of being alive below this makes a customer at risk.
    public var atRiskBelowProbabilityAlive: Double
    /// A probability of being alive below this makes a customer churned.
    public var churnedBelowProbabilityAlive: Double

    /// Creates thresholds; the defaults suit a purchase cycle of a few weeks.
    public init(
        newCustomerDays: Int = 30, dormantAfterDays: Int = 90, atRiskAfterDays: Int = 180,
        churnedAfterDays: Int = 365, atRiskBelowProbabilityAlive: Double = 0.5,
        churnedBelowProbabilityAlive: Double = 0.2
    ) {
        self.newCustomerDays = newCustomerDays
        self.dormantAfterDays = dormantAfterDays
        self.atRiskAfterDays = atRiskAfterDays
        self.churnedAfterDays = churnedAfterDays
        self.atRiskBelowProbabilityAlive = atRiskBelowProbabilityAlive
        self.churnedBelowProbabilityAlive = churnedBelowProbabilityAlive
    }
}

extension LifecycleStage {
    /// The stage of a customer, checked in order: new (first order recent), churned, at risk, dormant, active.
    ///
    /// - Parameters:
    ///   - daysSinceFirstOrder: Days from the first order to the reference date.
    ///   - daysSinceLastOrder: Days from the last order to the reference date.
    ///   - probabilityAlive: P(alive) from a purchase model, or nil to decide on days alone.
    public static func classify(
        daysSinceFirstOrder: Int, daysSinceLastOrder: Int, probabilityAlive: Double? = nil,
        thresholds: LifecycleThresholds = LifecycleThresholds()
    ) -> LifecycleStage {
        if daysSinceFirstOrder <= thresholds.newCustomerDays { return .new }
        let alive = probabilityAlive ?? 1
        if daysSinceLastOrder > thresholds.churnedAfterDays || alive < thresholds.churnedBelowProbabilityAlive {
            return .churned
        }
        if daysSinceLastOrder > thresholds.atRiskAfterDays || alive < thresholds.atRiskBelowProbabilityAlive {
            return .atRisk
        }
        if daysSinceLastOrder > thresholds.dormantAfterDays { return .dormant }
        return .active
    }
}
