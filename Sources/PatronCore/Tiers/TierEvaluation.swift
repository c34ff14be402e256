/// A member's place on the tier ladder.
public struct TierStanding: Sendable, Hashable {
    public var tierID: String
    /// The day the member reached this tier; anniversaries count from it.
    public var since: CalendarDate
    /// The day the next downgrade check is due.
    public var nextEvaluation: CalendarDate
    /// Set while a member who no longer qualifies keeps the tier for the grace period.
    public var graceUntil: CalendarDate?

    public init(tierID: String, since: CalendarDate, nextEvaluation: CalendarDate, graceUntil: CalendarDate? = nil) {
        self.tierID = tierID
        self.since = since
        self.nextEvaluation = nextEvaluation
        self.graceUntil = graceUntil
    }
}

/// A tier change and why it happened.
public struct TierChange: Sendable, Hashable {
    public var from: String?
    public var to: String
    public var reason: String
}

/// The tier rules as pure functions: upgrades on qualifying activity, downgrades only at evaluation.
public enum TierRules {
    /// The standing of a member who has just joined.
    public static func initialStanding(on day: CalendarDate, tiers: TierProgram) -> TierStanding {
        TierStanding(
            tierID: tiers.lowest.tierID, since: day,
            nextEvaluation: nextEvaluation(after: day, since: day, tiers: tiers))
    }

    /// After an order: the member moves up at once when `value` (in the tier basis) reaches a higher tier.
    /// Never moves anyone down.
    public static func afterActivity(
        _ standing: TierStanding, value: Int64, on day: CalendarDate, tiers: TierProgram, currency: Currency
    ) -> (standing: TierStanding, change: TierChange?) {
        let current = tiers.index(of: standing.tierID) ?? 0
        let qualified = tiers.qualifiedIndex(for: value)
        guard qualified > current else { return (standing, nil) }
        let level = tiers.levels[qualified]
        let upgraded = TierStanding(
            tierID: level.tierID, since: day, nextEvaluation: nextEvaluation(after: day, since: day, tiers: tiers))
        return (
            upgraded,
            TierChange(
                from: standing.tierID, to: level.tierID,
                reason:
                    "upgrade: \(describe(value, tiers, currency)) reached \(describe(level.threshold, tiers, currency))"
            )
        )
    }

    /// The scheduled evaluation on `day` (its `nextEvaluation` or later): keep, upgrade, start a grace period,
    /// or move down by the configured number of steps.
    public static func evaluate(
        _ standing: TierStanding, value: Int64, on day: CalendarDate, tiers: TierProgram, currency: Currency
    ) -> (standing: TierStanding, change: TierChange?) {
        let current = tiers.index(of: standing.tierID) ?? 0
        let qualified = tiers.qualifiedIndex(for: value)
        if qualified >= current {
            var kept = standing
            kept.graceUntil = nil
            kept.nextEvaluation = nextEvaluation(after: day, since: standing.since, tiers: tiers)
            guard qualified > current else { return (kept, nil) }
            return afterActivity(standing, value: value, on: day, tiers: tiers, currency: currency)
        }
        if tiers.graceDays > 0, standing.graceUntil == nil {
            var graced = standing
            graced.graceUntil = day.addingDays(tiers.graceDays)
            graced.nextEvaluation = day.addingDays(tiers.graceDays)
            return (graced, nil)
        }
        let target = tiers.downgradeSteps == 0 ? qualified : max(qualified, current - tiers.downgradeSteps)
        let level = tiers.levels[target]
        let lowered = TierStanding(
            tierID: level.tierID, since: day, nextEvaluation: nextEvaluation(after: day, since: day, tiers: tiers))
        return (
            lowered,
            TierChange(
                from: standing.tierID, to: level.tierID,
                reason:
                    "downgrade at evaluation: \(describe(value, tiers, currency)) is below \(describe(tiers.levels[current].threshold, tiers, currency))"
            )
        )
    }

    /// The first evaluation day after `day`: the next anniversary of `since`, or the next fixed date.
    public static func nextEvaluation(after day: CalendarDate, since: CalendarDate, tiers: TierProgram) -> CalendarDate
    {
        switch tiers.evaluation.on {
        case .anniversary:
            var years = 1
            while since.addingMonths(12 * years) <= day { years += 1 }
            return since.addingMonths(12 * years)
        case .fixedDate:
            let month = tiers.evaluation.month ?? 1
            let dayOfMonth = tiers.evaluation.day ?? 1
            let thisYear = CalendarDate(year: day.year, month: month, day: dayOfMonth)
            return thisYear > day ? thisYear : CalendarDate(year: day.year + 1, month: month, day: dayOfMonth)
        }
    }

    /// The first day of the rolling window that counts on `day`.
    public static func windowStart(on day: CalendarDate, tiers: TierProgram) -> CalendarDate {
        day.addingMonths(-tiers.windowMonths).addingDays(1)
    }

    /// The next tier up and what is still missing to reach it.
    public static func progress(
        value: Int64, standing: TierStanding, tiers: TierProgram
    ) -> (
        next: TierProgram.Level, remaining: Int64
    )? {
        let current = tiers.index(of: standing.tierID) ?? 0
        guard current + 1 < tiers.levels.count else { return nil }
        let next = tiers.levels[current + 1]
        return (next, max(0, next.threshold - value))
    }

    static func describe(_ value: Int64, _ tiers: TierProgram, _ currency: Currency) -> String {
        switch tiers.basis {
        case .qualifyingSpend: "qualifying spend \(EarningEngine.format(value, currency))"
        case .pointsEarned: "\(value) points earned"
        }
    }
}
