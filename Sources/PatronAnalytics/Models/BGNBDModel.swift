#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// The beta-geometric/negative-binomial (BG/NBD) model of repeat purchasing (Fader, Hardie & Lee 2005).
///
/// While active, a customer buys at a Poisson rate λ ~ Gamma(r, α); after each purchase they become inactive with
/// probability p ~ Beta(a, b).
public struct BGNBDModel: PurchaseModel, Sendable, Hashable, Codable {
    /// Shape of the purchase-rate distribution.
    public var r: Double
    /// Scale (rate parameter) of the purchase-rate distribution, in the data's time unit.
    public var alpha: Double
    /// First shape parameter of the drop-out probability distribution.
    public var a: Double
    /// Second shape parameter of the drop-out probability distribution.
    public var b: Double

    /// Creates a model from its four parameters.
    public init(r: Double, alpha: Double, a: Double, b: Double) {
        self.r = r
        self.alpha = alpha
        self.a = a
        self.b = b
    }

    /// The model's name in messages.
    public static let name = "BG/NBD"

    /// The log-likelihood of one customer's history.
    public func logLikelihood(of history: PurchaseHistory) -> Double {
        let x = Double(history.frequency)
        var value =
            SpecialFunctions.logGamma(r + x) - SpecialFunctions.logGamma(r) + r * log(alpha)
            + SpecialFunctions.logGamma(a + b) + SpecialFunctions.logGamma(b + x)
            - SpecialFunctions.logGamma(b) - SpecialFunctions.logGamma(a + b + x)
        let stillActive = -(r + x) * log(alpha + history.age)
        if history.frequency > 0 {
            let droppedOut = log(a) - log(b + x - 1) - (r + x) * log(alpha + history.recency)
            value += Self.logSumExp(stillActive, droppedOut)
        } else {
            value += stillActive
        }
        return value
    }

    /// The total log-likelihood of many histories.
    public func logLikelihood(of histories: some Sequence<PurchaseHistory>) -> Double {
        histories.reduce(0.0) { $0 + logLikelihood(of: $1) }
    }

    /// The probability that a customer with this history has not dropped out by the end of the calibration period.
    public func probabilityAlive(given history: PurchaseHistory) -> Double {
        guard history.frequency > 0 else { return 1 }
        let x = Double(history.frequency)
        let logOdds = log(a / (b + x - 1)) + (r + x) * log((alpha + history.age) / (alpha + history.recency))
        return 1 / (1 + exp(logOdds))
    }

    /// The expected number of purchases in the next `duration` units for a customer with this history.
    ///
    /// Uses equation (10) of Fader, Hardie & Lee (2005) with the Gauss hypergeometric function; requires a ≠ 1 and
    /// a + b + x > 1 (so the hypergeometric function is defined).
    public func expectedPurchases(in duration: Double, given history: PurchaseHistory) -> Double {
        guard duration > 0 else { return 0 }
        let x = Double(history.frequency)
        let horizonEnd = alpha + history.age + duration
        let hypergeometric = SpecialFunctions.hypergeometric2F1(r + x, b + x, a + b + x - 1, duration / horizonEnd)
        let discount = exp((r + x) * log((alpha + history.age) / horizonEnd))
        let numerator = (a + b + x - 1) / (a - 1) * (1 - discount * hypergeometric)
        // A count is never negative; only rounding at extreme parameters (which fits refuse) could make it so.
        return max(numerator * probabilityAlive(given: history), 0)
    }

    /// The expected number of repeat purchases in the first `duration` units after a randomly chosen customer's
    /// first purchase, E[X(t)] (equation 9).
    public func expectedPurchases(in duration: Double) -> Double {
        guard duration > 0 else { return 0 }
        let hypergeometric = SpecialFunctions.hypergeometric2F1(r, b, a + b - 1, duration / (alpha + duration))
        return (a + b - 1) / (a - 1) * (1 - exp(r * log(alpha / (alpha + duration))) * hypergeometric)
    }

    static func logSumExp(_ first: Double, _ second: Double) -> Double {
        let largest = max(first, second)
        return largest + log(exp(first - largest) + exp(second - largest))
    }
}
