/// An experiment read at a moment: each arm against the baseline, and whether a winner can be named yet.
public struct ExperimentReading: Sendable, Hashable {
    public struct Comparison: Sendable, Hashable {
        public var arm: String
        public var conversion: Difference?
        public var revenuePerMember: Difference?
    }

    public enum Verdict: Sendable, Hashable {
        /// Some arm has fewer members than the test needs (`needed` per arm; nil while the baseline's rate is
        /// 0, so no sample size can be worked out yet).
        case collecting(needed: Int?)
        /// The arm converts better than the baseline beyond chance, and best of those that do.
        case winner(String)
        /// Every arm has its sample and none beats the baseline beyond chance.
        case noWinner
    }

    public var baseline: String
    public var comparisons: [Comparison]
    /// Members each arm needs to find the smallest effect worth finding.
    public var sampleNeeded: Int?
    public var verdict: Verdict

    /// Compares every arm but `baseline` with it. A winner is named only once every arm has the sample
    /// `relativeEffect` needs, and only for a lift whose p-value stays under 5% divided by the number of arms
    /// compared (Bonferroni: with three variants, one of them would otherwise look better by chance one time in
    /// seven).
    public static func read(
        arms: [(String, ArmOutcome)], baseline: String, relativeEffect: Double
    ) -> ExperimentReading {
        let base =
            arms.first { $0.0 == baseline }?.1 ?? ArmOutcome(members: 0, conversions: 0, revenue: 0, revenueSquares: 0)
        let compared = arms.filter { $0.0 != baseline }
        let comparisons = compared.map { arm, outcome in
            Comparison(
                arm: arm, conversion: SignificanceTests.conversion(outcome, against: base),
                revenuePerMember: SignificanceTests.revenue(outcome, against: base))
        }
        let needed = SignificanceTests.sampleSize(baseline: base.conversionRate, relativeEffect: relativeEffect)
        let verdict: Verdict
        if compared.isEmpty {
            verdict = .noWinner
        } else if let needed, arms.allSatisfy({ $0.1.members >= needed }) {
            let threshold = (1 - SignificanceTests.confidence) / Double(compared.count)
            let best = comparisons.compactMap { comparison -> (String, Double)? in
                guard let lift = comparison.conversion, lift.estimate > 0, lift.pValue < threshold else { return nil }
                return (comparison.arm, lift.estimate)
            }.max { $0.1 < $1.1 }
            verdict = best.map { .winner($0.0) } ?? .noWinner
        } else {
            verdict = .collecting(needed: needed)
        }
        return ExperimentReading(baseline: baseline, comparisons: comparisons, sampleNeeded: needed, verdict: verdict)
    }
}
