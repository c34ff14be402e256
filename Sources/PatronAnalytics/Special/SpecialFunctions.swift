#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Special functions used by the customer-base models.
///
/// They are implemented here rather than taken from a numerics library so that the models depend on nothing
/// but the C math library, and so that each function is accurate over the arguments the models produce.
public enum SpecialFunctions {
    /// ½·log(2π), the constant term of Stirling's series.
    private static let halfLogTwoPi = 0.918_938_533_204_672_741_780_329_736_406

    /// Arguments below this are shifted upwards by the recurrence before the asymptotic series is used.
    private static let asymptoticThreshold = 10.0

    /// The natural logarithm of the gamma function, log Γ(x), for x > 0.
    ///
    /// Small arguments are shifted with Γ(x + 1) = x·Γ(x) until Stirling's series is accurate to a few units in
    /// the last place; the result has an absolute error of a few 1e-15. Returns NaN for x ≤ 0 or NaN.
    public static func logGamma(_ x: Double) -> Double {
        guard x > 0 else { return .nan }
        if x == .infinity { return .infinity }
        var shifted = x
        var product = 1.0
        while shifted < asymptoticThreshold {
            product *= shifted
            shifted += 1
        }
        let inverse = 1 / shifted
        let inverseSquared = inverse * inverse
        // Stirling's series: Σ B₂ₖ / (2k(2k − 1) x^(2k−1)) for k = 1…7; the first omitted term is below 1e-16.
        let series =
            inverse
            * (1.0 / 12
                - inverseSquared
                * (1.0 / 360
                    - inverseSquared
                    * (1.0 / 1260
                        - inverseSquared
                        * (1.0 / 1680
                            - inverseSquared
                            * (1.0 / 1188
                                - inverseSquared * (691.0 / 360_360 - inverseSquared / 156))))))
        return (shifted - 0.5) * log(shifted) - shifted + halfLogTwoPi + series - log(product)
    }

    /// The digamma function ψ(x) = d/dx log Γ(x), for x > 0.
    ///
    /// Uses ψ(x) = ψ(x + 1) − 1/x to reach the asymptotic expansion. Returns NaN for x ≤ 0 or NaN.
    public static func digamma(_ x: Double) -> Double {
        guard x > 0 else { return .nan }
        if x == .infinity { return .infinity }
        var shifted = x
        var result = 0.0
        while shifted < asymptoticThreshold {
            result -= 1 / shifted
            shifted += 1
        }
        let inverse = 1 / shifted
        let inverseSquared = inverse * inverse
        // log x − 1/2x − Σ B₂ₖ / (2k x^(2k)) for k = 1…7; the first omitted term is below 1e-16.
        let series =
            inverseSquared
            * (1.0 / 12
                - inverseSquared
                * (1.0 / 120
                    - inverseSquared
                    * (1.0 / 252
                        - inverseSquared
                        * (1.0 / 240
                            - inverseSquared
                            * (1.0 / 132
                                - inverseSquared * (691.0 / 32760 - inverseSquared / 12))))))
        return result + log(shifted) - 0.5 * inverse - series
    }

    /// The logarithm of the beta function, log B(a, b) = log Γ(a) + log Γ(b) − log Γ(a + b).
    public static func logBeta(_ a: Double, _ b: Double) -> Double {
        logGamma(a) + logGamma(b) - logGamma(a + b)
    }
}
