#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

extension SpecialFunctions {
    /// The regularized incomplete beta function I_x(a, b), for a, b > 0 and 0 ≤ x ≤ 1: the distribution
    /// function behind Student's t.
    ///
    /// Evaluated with its continued fraction by the modified Lentz method, on whichever side of the mean
    /// a/(a + b) converges fast (I_x(a, b) = 1 − I_{1−x}(b, a)); relative error near 1e-14.
    public static func regularizedIncompleteBeta(_ x: Double, _ a: Double, _ b: Double) -> Double {
        guard a > 0, b > 0, x >= 0, x <= 1 else { return .nan }
        if x == 0 || x == 1 { return x }
        if x > (a + 1) / (a + b + 2) { return 1 - regularizedIncompleteBeta(1 - x, b, a) }
        let front = exp(a * log(x) + b * log1p(-x) - logBeta(a, b)) / a
        return front * betaContinuedFraction(x, a, b)
    }

    /// 1 / (1 + d₁/(1 + d₂/(1 + …))) with d₂ₘ₊₁ = −(a+m)(a+b+m)x / ((a+2m)(a+2m+1)) and
    /// d₂ₘ = m(b−m)x / ((a+2m−1)(a+2m)).
    private static func betaContinuedFraction(_ x: Double, _ a: Double, _ b: Double) -> Double {
        let tiny = 1e-300
        // The first level, 1/(1 + d₁), starts the Lentz recurrence.
        var c = 1.0
        var d = 1 - (a + b) * x / (a + 1)
        if abs(d) < tiny { d = tiny }
        d = 1 / d
        var result = d
        for index in 2..<1_000 {
            let m = Double(index / 2)
            let numerator =
                index % 2 == 1
                ? -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1))
                : m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m))
            d = 1 + numerator * d
            if abs(d) < tiny { d = tiny }
            c = 1 + numerator / c
            if abs(c) < tiny { c = tiny }
            d = 1 / d
            let step = c * d
            result *= step
            if index % 2 == 1, abs(step - 1) < 1e-15 { break }
        }
        return result
    }
}
