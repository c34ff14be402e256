#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Gauss–Legendre quadrature nodes and weights on [−1, 1].
public struct GaussLegendreRule: Sendable, Hashable {
    /// The abscissas, ascending.
    public let nodes: [Double]
    /// The weights, summing to 2.
    public let weights: [Double]

    /// Computes the n-point rule by Newton's method on the Legendre polynomial Pₙ.
    public init(points: Int) {
        precondition(points > 0, "a quadrature rule needs at least one point")
        var nodes = [Double](repeating: 0, count: points)
        var weights = [Double](repeating: 0, count: points)
        let n = Double(points)
        for index in 0..<(points + 1) / 2 {
            // Tricomi's approximation of the index-th largest root as the starting guess.
            var root = cos(Double.pi * (Double(index) + 0.75) / (n + 0.5))
            var derivative = 0.0
            for _ in 0..<100 {
                var current = 1.0
                var previous = 0.0
                for degree in 1...points {
                    let older = previous
                    previous = current
                    current =
                        ((2 * Double(degree) - 1) * root * previous - (Double(degree) - 1) * older) / Double(degree)
                }
                derivative = n * (root * current - previous) / (root * root - 1)
                let step = current / derivative
                root -= step
                if abs(step) < 1e-16 { break }
            }
            let weight = 2 / ((1 - root * root) * derivative * derivative)
            nodes[index] = -root
            nodes[points - 1 - index] = root
            weights[index] = weight
            weights[points - 1 - index] = weight
        }
        self.nodes = nodes
        self.weights = weights
    }

    /// The 16-point rule, exact for polynomials of degree 31.
    public static let sixteenPoint = GaussLegendreRule(points: 16)
}
