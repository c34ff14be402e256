/// The value and gradient of an objective function at one point.
public struct ObjectiveEvaluation: Sendable, Hashable {
    /// The function value.
    public var value: Double
    /// The partial derivatives, one per variable.
    public var gradient: [Double]

    /// Creates an evaluation from a value and its gradient.
    public init(value: Double, gradient: [Double]) {
        self.value = value
        self.gradient = gradient
    }

    /// Whether the value and every derivative are finite numbers.
    public var isFinite: Bool {
        value.isFinite && gradient.allSatisfy(\.isFinite)
    }
}

/// The outcome of a successful minimisation.
public struct MinimizationResult: Sendable, Hashable {
    /// The point reached.
    public var point: [Double]
    /// The objective at ``point``.
    public var evaluation: ObjectiveEvaluation
    /// Quasi-Newton iterations taken.
    public var iterations: Int
    /// Objective evaluations made, line searches included.
    public var evaluations: Int
}

/// Why a minimisation failed.
public enum OptimizationError: Error, Hashable, CustomStringConvertible {
    /// The objective is not finite at the starting point.
    case nonFiniteStart(point: [Double])
    /// No point along the search direction lowered the objective enough.
    case lineSearchFailed(iteration: Int, gradientNorm: Double)
    /// The iteration limit was reached before the gradient became small.
    case iterationLimitReached(iterations: Int, gradientNorm: Double)

    public var description: String {
        switch self {
        case .nonFiniteStart(let point):
            "the objective is not finite at the starting point \(point)"
        case .lineSearchFailed(let iteration, let gradientNorm):
            "line search failed at iteration \(iteration) (gradient norm \(gradientNorm))"
        case .iterationLimitReached(let iterations, let gradientNorm):
            "no convergence after \(iterations) iterations (gradient norm \(gradientNorm))"
        }
    }
}
