#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// The Pareto/NBD model of repeat purchasing (Schmittlein, Morrison & Colombo 1987).
///
/// While active, a customer buys at a Poisson rate λ ~ Gamma(r, α) and stays active for an exponential lifetime
/// with rate μ ~ Gamma(s, β).
///
/// The likelihood's awkward part is usually written with a hypergeometric function whose argument approaches 1
/// for some parameters. Here it is computed from its integral form
/// I = ∫ from tₓ to T of (α + τ)^−(r+x) (β + τ)^−(s+1) dτ, by Gauss–Legendre quadrature in log(min(α, β) + τ),
/// where the integrand is smooth for every admissible parameter; the same nodes give the analytic gradient.
public struct ParetoNBDModel: PurchaseModel, Sendable, Hashable, Codable {
    /// Shape of the purchase-rate distribution.
    public var r: Double
    /// Scale (rate parameter) of the purchase-rate distribution.
    public var alpha: Double
    /// Shape of the drop-out-rate distribution.
    public var s: Double
    /// Scale (rate parameter) of the drop-out-rate distribution.
    public var beta: Double

    /// Creates a model from its four parameters.
    public init(r: Double, alpha: Double, s: Double, beta: Double) {
        self.r = r
        self.alpha = alpha
        self.s = s
        self.beta = beta
    }

    /// The model's name in messages.
    public static let name = "Pareto/NBD"

    /// The log-likelihood of one customer's history.
    public func logLikelihood(of history: PurchaseHistory) -> Double {
        let x = Double(history.frequency)
        let parts = likelihoodParts(history)
        return SpecialFunctions.logGamma(r + x) - SpecialFunctions.logGamma(r) + r * log(alpha) + s * log(beta)
            + parts.logTotal
    }

    /// The total log-likelihood of many histories.
    public func logLikelihood(of histories: some Sequence<PurchaseHistory>) -> Double {
        histories.reduce(0.0) { $0 + logLikelihood(of: $1) }
    }

    /// The probability that the customer is still active at the end of the calibration period.
    public func probabilityAlive(given history: PurchaseHistory) -> Double {
        likelihoodParts(history).aliveShare
    }

    /// The expected number of purchases in the next `duration` units given the history.
    public func expectedPurchases(in duration: Double, given history: PurchaseHistory) -> Double {
        guard duration > 0 else { return 0 }
        let x = Double(history.frequency)
        let base = beta + history.age
        return (r + x) * base / (alpha + history.age) * Self.lifetimeFactor(s: s, base: base, duration: duration)
            * probabilityAlive(given: history)
    }

    /// The expected number of repeat purchases in the first `duration` units after a random customer's first
    /// purchase, E[X(t)].
    public func expectedPurchases(in duration: Double) -> Double {
        guard duration > 0 else { return 0 }
        return r * beta / alpha * Self.lifetimeFactor(s: s, base: beta, duration: duration)
    }

    /// [1 − (base/(base + t))^(s−1)] / (s − 1), which tends to log((base + t)/base) as s → 1.
    private static func lifetimeFactor(s: Double, base: Double, duration: Double) -> Double {
        let logRatio = log1p(duration / base)
        if abs(s - 1) < 1e-10 { return logRatio }
        return -expm1(-(s - 1) * logRatio) / (s - 1)
    }

    /// The bracketed part of the likelihood, A + s·I, on a log scale, and A's share of it (which is P(alive)).
    func likelihoodParts(_ history: PurchaseHistory) -> (logTotal: Double, aliveShare: Double) {
        let x = Double(history.frequency)
        let logAlive = -(r + x) * log(alpha + history.age) - s * log(beta + history.age)
        let integral = ParetoNBDIntegral(model: self, frequency: x, from: history.recency, to: history.age)
        guard integral.sum > 0 else { return (logAlive, 1) }
        let logDead = log(s) + integral.logScale + log(integral.sum)
        let total = BGNBDModel.logSumExp(logAlive, logDead)
        return (total, exp(logAlive - total))
    }
}

/// Quadrature of I = ∫ (α + τ)^−(r+x) (β + τ)^−(s+1) dτ over [tₓ, T], with the integrals the gradient needs.
///
/// With w = log(m + τ) and m = min(α, β) the integrand is exp(h(w)) where h is analytic in a strip of half-width
/// π around the real axis and |h′| ≤ r + s + x + 1, so panels of width min(1, 6/(r + s + x + 1)) with 16 points
/// each are accurate to rounding.
struct ParetoNBDIntegral {
    /// I = exp(logScale)·sum.
    var logScale = 0.0
    var sum = 0.0
    /// Integrals of the integrand times log(α + τ), 1/(α + τ), log(β + τ) and 1/(β + τ), on the same scale.
    var sumLogAlpha = 0.0
    var sumInverseAlpha = 0.0
    var sumLogBeta = 0.0
    var sumInverseBeta = 0.0

    static let maximumPanels = 4000

    init(model: ParetoNBDModel, frequency x: Double, from start: Double, to end: Double, withGradient: Bool = false) {
        guard end > start else { return }
        let alphaExponent = model.r + x
        let betaExponent = model.s + 1
        let smaller = min(model.alpha, model.beta)
        let alphaOffset = model.alpha - smaller
        let betaOffset = model.beta - smaller
        let lower = log(smaller + start)
        let upper = log(smaller + end)
        let panelWidthLimit = min(1, 6 / (alphaExponent + betaExponent))
        let panels = min(Self.maximumPanels, max(1, Int(((upper - lower) / panelWidthLimit).rounded(.up))))
        let width = (upper - lower) / Double(panels)
        let rule = GaussLegendreRule.sixteenPoint
        // Scale every value by the integrand at the lower end, where it is largest or within e^(T−tₓ) of it.
        let startAlpha = smaller + start + alphaOffset
        let startBeta = smaller + start + betaOffset
        logScale = lower - alphaExponent * log(startAlpha) - betaExponent * log(startBeta)
        for panel in 0..<panels {
            let center = lower + (Double(panel) + 0.5) * width
            for (node, weight) in zip(rule.nodes, rule.weights) {
                let w = center + 0.5 * width * node
                let shifted = exp(w)
                let alphaTerm = shifted + alphaOffset
                let betaTerm = shifted + betaOffset
                let logAlphaTerm = log(alphaTerm)
                let logBetaTerm = log(betaTerm)
                let value =
                    0.5 * width * weight
                    * exp(w - alphaExponent * logAlphaTerm - betaExponent * logBetaTerm - logScale)
                sum += value
                if withGradient {
                    sumLogAlpha += value * logAlphaTerm
                    sumInverseAlpha += value / alphaTerm
                    sumLogBeta += value * logBetaTerm
                    sumInverseBeta += value / betaTerm
                }
            }
        }
    }
}
