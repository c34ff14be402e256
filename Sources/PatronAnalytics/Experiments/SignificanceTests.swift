/// The two tests an experiment's arm is judged by against its baseline.
public enum SignificanceTests {
    static let confidence = 0.95

    /// Conversion: the two-proportion z-test. The p-value pools both arms (as the null hypothesis says they are
    /// one); the interval does not (it describes the difference as observed). Nil while either arm is empty or
    /// no member of either arm (or every one) converted, when the standard error is zero.
    public static func conversion(_ arm: ArmOutcome, against baseline: ArmOutcome) -> Difference? {
        guard arm.members > 0, baseline.members > 0 else { return nil }
        let (p1, p0) = (arm.conversionRate, baseline.conversionRate)
        let (n1, n0) = (Double(arm.members), Double(baseline.members))
        let pooled = Double(arm.conversions + baseline.conversions) / (n1 + n0)
        let pooledError = (pooled * (1 - pooled) * (1 / n1 + 1 / n0)).squareRoot()
        let error = (p1 * (1 - p1) / n1 + p0 * (1 - p0) / n0).squareRoot()
        guard pooledError > 0 else { return nil }
        let z = Distributions.normalQuantile(0.5 + confidence / 2)
        let statistic = (p1 - p0) / pooledError
        return Difference(
            estimate: p1 - p0, lower: p1 - p0 - z * error, upper: p1 - p0 + z * error,
            pValue: 2 * Distributions.normalCDF(-abs(statistic)))
    }

    /// Revenue per member: Welch's t-test, which does not assume the arms' variances equal, with the
    /// Welch–Satterthwaite degrees of freedom. Nil with fewer than two members in an arm or no variance at all.
    public static func revenue(_ arm: ArmOutcome, against baseline: ArmOutcome) -> Difference? {
        guard arm.members > 1, baseline.members > 1 else { return nil }
        let share1 = arm.revenueVariance / Double(arm.members)
        let share0 = baseline.revenueVariance / Double(baseline.members)
        let error = (share1 + share0).squareRoot()
        guard error > 0 else { return nil }
        let degrees =
            (share1 + share0) * (share1 + share0)
            / (share1 * share1 / Double(arm.members - 1) + share0 * share0 / Double(baseline.members - 1))
        let difference = arm.revenuePerMember - baseline.revenuePerMember
        let t = Distributions.studentQuantile(0.5 + confidence / 2, degrees: degrees)
        return Difference(
            estimate: difference, lower: difference - t * error, upper: difference + t * error,
            pValue: 2 * Distributions.studentCDF(-abs(difference / error), degrees: degrees))
    }

    /// The members each arm needs for a two-sided test at 5% to find, 80% of the time, a conversion rate
    /// `relativeEffect` above `baseline` (0.1: a tenth more): the normal-approximation formula for two
    /// proportions. Nil when the baseline is 0 or 1 (no rate to grow from yet).
    public static func sampleSize(baseline: Double, relativeEffect: Double, power: Double = 0.8) -> Int? {
        guard baseline > 0, baseline < 1, relativeEffect > 0 else { return nil }
        let p0 = baseline
        let p1 = min(baseline * (1 + relativeEffect), 0.999_999)
        let mean = (p0 + p1) / 2
        let alpha = Distributions.normalQuantile(0.5 + confidence / 2)
        let beta = Distributions.normalQuantile(power)
        let root =
            alpha * (2 * mean * (1 - mean)).squareRoot() + beta * (p0 * (1 - p0) + p1 * (1 - p1)).squareRoot()
        return Int((root * root / ((p1 - p0) * (p1 - p0))).rounded(.up))
    }
}
