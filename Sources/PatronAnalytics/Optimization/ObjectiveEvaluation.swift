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

/// Where a minimisation stopped.
public struct MinimizationResult: Sendable, Hashable {
    /// The point reached: the best found, whether or not the tolerance was met.
    public var point: [Double]
    /// The objective at ``point``.
    public var evaluation: ObjectiveEvaluation
    /// Quasi-Newton iterations taken.
    public var iterations: Int
    /// Objective evaluations made, line searches included.
    public var evaluations: Int
    /// Whether the gradient met the tolerance; false when no step along the search direction lowered the objective
    /// or the iteration limit came first.
    public var converged: Bool
}

/// Why a minimisation could not start.
public enum OptimizationError: Error, Hashable, CustomStringConvertible {
    /// The objective is not finite at the starting point.
    case nonFiniteStart(point: [Double])

    public var description: String {
        switch self {
        case .nonFiniteStart(let point):
            "the objective is not finite at the starting point \(point)"
        }
    }
}
