#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// The two distributions the tests of an experiment need.
public enum Distributions {
    /// P(Z ≤ z) for a standard normal Z.
    public static func normalCDF(_ z: Double) -> Double {
        0.5 * erfc(-z / 2.0.squareRoot())
    }

    /// The z with P(Z ≤ z) = `p`, for 0 < p < 1.
    public static func normalQuantile(_ p: Double) -> Double {
        invert(normalCDF, p, from: -40, to: 40)
    }

    /// P(T ≤ t) for Student's t with `degrees` of freedom (any positive real, as Welch's test gives).
    public static func studentCDF(_ t: Double, degrees: Double) -> Double {
        guard degrees.isFinite else { return normalCDF(t) }
        let tail = 0.5 * SpecialFunctions.regularizedIncompleteBeta(degrees / (degrees + t * t), degrees / 2, 0.5)
        return t >= 0 ? 1 - tail : tail
    }

    /// The t with P(T ≤ t) = `p` for Student's t with `degrees` of freedom.
    public static func studentQuantile(_ p: Double, degrees: Double) -> Double {
        invert({ studentCDF($0, degrees: degrees) }, p, from: -1e6, to: 1e6)
    }

    /// Bisection on an increasing function: a hundred and fifty halvings take any range down to the last bit.
    private static func invert(_ cdf: (Double) -> Double, _ p: Double, from low: Double, to high: Double) -> Double {
        guard p > 0, p < 1 else { return p <= 0 ? -.infinity : .infinity }
        var (low, high) = (low, high)
        for _ in 0..<150 {
            let middle = (low + high) / 2
            if cdf(middle) < p { low = middle } else { high = middle }
        }
        return (low + high) / 2
    }
}
