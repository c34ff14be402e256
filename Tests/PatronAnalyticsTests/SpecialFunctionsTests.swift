import Glibc
import PatronAnalytics
import Testing

@Suite("Special functions")
struct SpecialFunctionsTests {
    @Test(
        "log-gamma matches the C library over many magnitudes",
        arguments: [
            1e-8, 1e-3, 0.1, 0.2425929, 0.5, 1, 1.5, 2, 2.5, 3.7445, 6.2488, 9.99, 10, 10.01, 37.5, 123.456, 1e4, 1e7,
        ])
    func logGammaMatchesLibrary(x: Double) {
        let expected: Double = lgamma(x)
        #expect(abs(SpecialFunctions.logGamma(x) - expected) <= 1e-13 * max(1, abs(expected)))
    }

    @Test("log-gamma of known values")
    func logGammaKnownValues() {
        #expect(abs(SpecialFunctions.logGamma(1)) < 4e-15)
        #expect(abs(SpecialFunctions.logGamma(0.5) - 0.5 * log(Double.pi)) < 4e-15)
        // log 10! = log 3628800
        #expect(abs(SpecialFunctions.logGamma(11) - log(3_628_800.0)) < 1e-13)
        #expect(SpecialFunctions.logGamma(0).isNaN)
        #expect(SpecialFunctions.logGamma(-1).isNaN)
    }

    @Test("digamma is the derivative of log-gamma", arguments: [0.01, 0.2426, 0.5, 1, 2.4, 7.9, 10, 55.5, 1000])
    func digammaIsDerivative(x: Double) {
        let step = 1e-5 * x
        let numeric =
            (SpecialFunctions.logGamma(x + step) - SpecialFunctions.logGamma(x - step)) / (2 * step)
        #expect(abs(SpecialFunctions.digamma(x) - numeric) <= 1e-6 * max(1, abs(numeric)))
    }

    @Test("digamma of known values")
    func digammaKnownValues() {
        let eulerMascheroni = 0.577_215_664_901_532_860_6
        #expect(abs(SpecialFunctions.digamma(1) + eulerMascheroni) < 4e-15)
        #expect(abs(SpecialFunctions.digamma(0.5) + eulerMascheroni + 2 * log(2.0)) < 4e-15)
        // ψ(x + 1) = ψ(x) + 1/x
        for x in [0.3, 3.3, 12.7] {
            #expect(abs(SpecialFunctions.digamma(x + 1) - SpecialFunctions.digamma(x) - 1 / x) < 1e-14)
        }
    }

    @Test("₂F₁ against closed forms", arguments: [-5.0, -0.9, -0.3, 0, 0.1, 0.5, 0.9, 0.99, 0.999])
    func hypergeometricClosedForms(z: Double) {
        // ₂F₁(1, 1; 2; z) = −log(1 − z)/z
        let logForm = z == 0 ? 1 : -log1p(-z) / z
        #expect(isClose(SpecialFunctions.hypergeometric2F1(1, 1, 2, z), logForm, relative: 1e-13))
        // ₂F₁(a, b; b; z) = (1 − z)^−a
        #expect(isClose(SpecialFunctions.hypergeometric2F1(2.5, 3.25, 3.25, z), pow(1 - z, -2.5), relative: 1e-12))
        // ₂F₁(½, ½; 3/2; z²)·z = arcsin z for |z| < 1
        if z >= 0, z < 1 {
            let root = z.squareRoot()
            let arcsinForm = root == 0 ? 1 : asin(root) / root
            #expect(isClose(SpecialFunctions.hypergeometric2F1(0.5, 0.5, 1.5, z), arcsinForm, relative: 1e-13))
        }
    }

    @Test("₂F₁ is undefined at and beyond 1")
    func hypergeometricDomain() {
        #expect(SpecialFunctions.hypergeometric2F1(1, 1, 2, 1).isNaN)
        #expect(SpecialFunctions.hypergeometric2F1(1, 1, 2, 1.5).isNaN)
        #expect(SpecialFunctions.hypergeometric2F1(1, 1, 0, 0.5).isNaN)
    }

    @Test("Gauss–Legendre integrates polynomials exactly and smooth functions accurately")
    func gaussLegendre() {
        let rule = GaussLegendreRule.sixteenPoint
        #expect(abs(rule.weights.reduce(0, +) - 2) < 1e-14)
        // ∫₋₁¹ x³⁰ dx = 2/31
        let polynomial = zip(rule.nodes, rule.weights).reduce(0.0) { $0 + $1.1 * pow($1.0, 30) }
        #expect(isClose(polynomial, 2.0 / 31, relative: 1e-13))
        // ∫₋₁¹ eˣ dx = e − 1/e
        let exponential = zip(rule.nodes, rule.weights).reduce(0.0) { $0 + $1.1 * exp($1.0) }
        #expect(isClose(exponential, exp(1.0) - exp(-1.0), relative: 1e-14))
    }
}
