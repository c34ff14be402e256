import PatronAnalytics
import Testing

/// The experiment statistics against SciPy 1.17 (`scipy.special.betainc`, `scipy.stats.t`, `scipy.stats.norm`,
/// `scipy.stats.ttest_ind(equal_var=False)` and its `confidence_interval`), an independent implementation.
struct ExperimentTests {
    static func close(_ value: Double, _ expected: Double, _ tolerance: Double = 1e-9) -> Bool {
        abs(value - expected) <= tolerance * max(1, abs(expected))
    }

    @Test func theIncompleteBetaAndTheDistributionsAgreeWithSciPy() {
        #expect(Self.close(SpecialFunctions.regularizedIncompleteBeta(0.3, 2.5, 0.5), 0.018_927_124_071_945_658))
        #expect(Self.close(SpecialFunctions.regularizedIncompleteBeta(0.95, 10, 0.5), 0.317_151_575_465_544_95))
        #expect(Self.close(SpecialFunctions.regularizedIncompleteBeta(0.001, 0.5, 0.5), 0.020_135_041_633_377_492))
        #expect(Self.close(Distributions.studentCDF(-2.1, degrees: 7.3), 0.036_123_356_712_426_7))
        #expect(Self.close(Distributions.studentCDF(1.5, degrees: 300.5), 0.932_667_857_743_044_8))
        #expect(Self.close(Distributions.studentQuantile(0.975, degrees: 4.2), 2.725_072_722_592_374_3))
        #expect(Self.close(Distributions.normalQuantile(0.975), 1.959_963_984_540_054))
        #expect(Self.close(Distributions.normalCDF(-1.7), 0.044_565_462_758_543_04))
    }

    /// 120 of 1,000 against 90 of 1,000.
    @Test func conversionIsATwoProportionZTest() throws {
        let arm = ArmOutcome(members: 1_000, conversions: 120, revenue: 0, revenueSquares: 0)
        let baseline = ArmOutcome(members: 1_000, conversions: 90, revenue: 0, revenueSquares: 0)
        let lift = try #require(SignificanceTests.conversion(arm, against: baseline))
        #expect(Self.close(lift.estimate, 0.03))
        #expect(Self.close(lift.pValue, 0.028_650_240_398_448_473))
        #expect(Self.close(lift.lower, 0.003_162_087_844_242_642) && Self.close(lift.upper, 0.056_837_912_155_757_356))
        // Nobody converting anywhere leaves nothing to test.
        let none = ArmOutcome(members: 1_000, conversions: 0, revenue: 0, revenueSquares: 0)
        #expect(SignificanceTests.conversion(none, against: none) == nil)
    }

    /// Skewed revenue (most members spend nothing, a few a lot) of 400 and 300 members, drawn with NumPy
    /// (seed 7, gamma(0.8, 60) times a 30% buyer, against gamma(0.8, 50) times a 25% buyer).
    @Test func revenuePerMemberIsWelchsTTest() throws {
        let arm = ArmOutcome(members: 400, conversions: 0, revenue: 5_185.4, revenueSquares: 455_660.0536)
        let baseline = ArmOutcome(members: 300, conversions: 0, revenue: 2_793.2, revenueSquares: 180_026.2768)
        let lift = try #require(SignificanceTests.revenue(arm, against: baseline))
        #expect(Self.close(lift.pValue, 0.073_419_820_616_626_11, 1e-7))
        #expect(Self.close(lift.lower, -0.347_283_839_815_805_35, 1e-7))
        #expect(Self.close(lift.upper, 7.652_950_506_482_472_5, 1e-7))
    }

    /// 14,751 per arm for 10% → 11% is the figure of the usual (Fleiss) formula.
    @Test func theSampleNeededGrowsAsTheEffectShrinks() {
        #expect(SignificanceTests.sampleSize(baseline: 0.1, relativeEffect: 0.1) == 14_751)
        #expect(SignificanceTests.sampleSize(baseline: 0.02, relativeEffect: 0.2) == 21_109)
        #expect(SignificanceTests.sampleSize(baseline: 0.3, relativeEffect: 0.05) == 14_856)
        #expect(SignificanceTests.sampleSize(baseline: 0, relativeEffect: 0.1) == nil)
    }

    static func outcome(_ members: Int, _ conversions: Int) -> ArmOutcome {
        ArmOutcome(members: members, conversions: conversions, revenue: 0, revenueSquares: 0)
    }

    @Test func noWinnerIsNamedBeforeEveryArmHasItsSample() {
        // A large lift on small arms: significant, but the test was not sized to see it yet.
        let early = ExperimentReading.read(
            arms: [("holdout", Self.outcome(500, 50)), ("a", Self.outcome(500, 90))], baseline: "holdout",
            relativeEffect: 0.1)
        #expect(early.verdict == .collecting(needed: 14_751))
        #expect((early.comparisons.first?.conversion?.pValue ?? 1) < 0.01)
    }

    @Test func theWinnerIsTheBestLiftThatSurvivesTheCorrectionForSeveralArms() {
        let arms = [
            ("holdout", Self.outcome(20_000, 2_000)), ("a", Self.outcome(20_000, 2_300)),
            ("b", Self.outcome(20_000, 2_450)), ("c", Self.outcome(20_000, 1_990)),
        ]
        let reading = ExperimentReading.read(arms: arms, baseline: "holdout", relativeEffect: 0.1)
        #expect(reading.verdict == .winner("b"))
        #expect(reading.comparisons.map(\.arm) == ["a", "b", "c"])
        // p ≈ 0.03 passes alone, not as one of three comparisons.
        let marginal = [("holdout", Self.outcome(20_000, 2_000)), ("a", Self.outcome(20_000, 2_130))]
        #expect(
            ExperimentReading.read(arms: marginal, baseline: "holdout", relativeEffect: 0.1).verdict == .winner("a"))
        let diluted = marginal + [("b", Self.outcome(20_000, 2_000)), ("c", Self.outcome(20_000, 2_010))]
        #expect(ExperimentReading.read(arms: diluted, baseline: "holdout", relativeEffect: 0.1).verdict == .noWinner)
    }
}
