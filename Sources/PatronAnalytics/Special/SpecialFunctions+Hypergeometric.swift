#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

extension SpecialFunctions {
    /// The most terms the hypergeometric series may take before it is declared not to converge.
    public static let hypergeometricTermLimit = 5_000_000

    /// The Gauss hypergeometric function ₂F₁(a, b; c; z) for real z < 1 and c > 0.
    ///
    /// For 0 ≤ z < 1 the power series is summed directly, stopping when the remaining tail (bounded from the ratio
    /// of successive terms) is below 1e-16 of the sum; its cost grows like 1/(1 − z). For z < 0 the Pfaff
    /// transformation ₂F₁(a, b; c; z) = (1 − z)^(−a) ₂F₁(a, c − b; c; z/(z − 1)) maps the argument into [0, 1), so
    /// every negative argument converges quickly. Returns NaN when z ≥ 1, when c is not positive, or when the
    /// series fails to converge within ``hypergeometricTermLimit`` terms.
    public static func hypergeometric2F1(_ a: Double, _ b: Double, _ c: Double, _ z: Double) -> Double {
        guard z < 1, c > 0, a.isFinite, b.isFinite, c.isFinite, z.isFinite else { return .nan }
        if z < 0 {
            let transformed = z / (z - 1)
            return pow(1 - z, -a) * hypergeometricSeries(a, c - b, c, transformed)
        }
        return hypergeometricSeries(a, b, c, z)
    }

    /// Sums the power series Σ (a)ₙ(b)ₙ / ((c)ₙ n!) zⁿ for 0 ≤ z < 1.
    private static func hypergeometricSeries(_ a: Double, _ b: Double, _ c: Double, _ z: Double) -> Double {
        if z == 0 { return 1 }
        var term = 1.0
        var sum = 1.0
        for index in 0..<hypergeometricTermLimit {
            let n = Double(index)
            let ratio = (a + n) * (b + n) / ((c + n) * (n + 1)) * z
            term *= ratio
            sum += term
            if term == 0 { return sum }
            // Past n ≈ |a| + |b| + |c| the ratio moves monotonically towards z, so with the larger of the two as
            // the rate the remaining tail is at most |term|·ρ/(1 − ρ).
            let rate = max(abs(ratio), abs(z))
            if rate < 1, n + 1 > abs(a) + abs(b) + abs(c) {
                let tail = abs(term) * rate / (1 - rate)
                if tail <= 1e-16 * abs(sum) { return sum }
            }
            if !sum.isFinite { return sum }
        }
        return .nan
    }
}
