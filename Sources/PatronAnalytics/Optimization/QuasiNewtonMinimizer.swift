/// Minimises a smooth function of a few variables with the BFGS quasi-Newton method.
///
/// Each step solves for a direction with the current inverse-Hessian approximation and then finds a step length
/// satisfying the strong Wolfe conditions, which keeps the BFGS update positive definite. The models minimise
/// over the logarithms of their parameters, so every point is admissible and the objective is well scaled.
public struct QuasiNewtonMinimizer: Sendable, Hashable {
    /// Iteration stops once the largest absolute partial derivative is at most this.
    public var gradientTolerance: Double
    /// The most quasi-Newton iterations before giving up.
    public var maximumIterations: Int
    /// The largest change of any variable in one step; it keeps trial points of log-parameters representable.
    public var maximumStep: Double

    /// Creates a minimiser with the given tolerances.
    public init(gradientTolerance: Double = 1e-9, maximumIterations: Int = 1000, maximumStep: Double = 5) {
        self.gradientTolerance = gradientTolerance
        self.maximumIterations = maximumIterations
        self.maximumStep = maximumStep
    }

    /// Minimises `objective` starting from `start`, returning the best point reached; see
    /// ``MinimizationResult/converged``.
    ///
    /// - Parameter objective: Returns the value and gradient at a point; non-finite values are treated as
    ///   "too far" and make the line search step back.
    public func minimize(
        from start: [Double],
        objective: ([Double]) -> ObjectiveEvaluation
    ) throws(OptimizationError) -> MinimizationResult {
        let dimension = start.count
        var point = start
        var current = objective(point)
        var evaluations = 1
        guard current.isFinite else { throw .nonFiniteStart(point: start) }
        // The inverse Hessian approximation, row-major.
        var inverseHessian = Self.identity(dimension)
        var isFirstStep = true

        for iteration in 0..<maximumIterations {
            let gradientNorm = current.gradient.map(abs).max() ?? 0
            if gradientNorm <= gradientTolerance {
                return MinimizationResult(
                    point: point, evaluation: current, iterations: iteration, evaluations: evaluations,
                    converged: true)
            }
            var direction = Self.multiply(inverseHessian, current.gradient).map { -$0 }
            var slope = Self.dot(direction, current.gradient)
            if slope >= 0 {
                // The approximation lost positive definiteness through rounding: restart from steepest descent.
                inverseHessian = Self.identity(dimension)
                direction = current.gradient.map { -$0 }
                slope = Self.dot(direction, current.gradient)
            }
            let longestMove = direction.map(abs).max() ?? 0
            let stepLimit = longestMove > 0 ? maximumStep / longestMove : 1
            var initialStep = min(1, stepLimit)
            if isFirstStep { initialStep = min(initialStep, 1 / max(gradientNorm, 1e-12)) }

            var search = LineSearch(
                start: point, direction: direction, startValue: current.value, startSlope: slope, stepLimit: stepLimit)
            guard let accepted = search.run(initialStep: initialStep, objective: objective) else {
                // Near the optimum rounding can stop progress before the tolerance is reached: the caller decides
                // what the point is worth (the models finish with Newton steps).
                evaluations += search.evaluations
                return MinimizationResult(
                    point: point, evaluation: current, iterations: iteration, evaluations: evaluations,
                    converged: false)
            }
            evaluations += search.evaluations

            let step = zip(accepted.point, point).map { $0 - $1 }
            let gradientChange = zip(accepted.evaluation.gradient, current.gradient).map { $0 - $1 }
            let curvature = Self.dot(step, gradientChange)
            if curvature > 1e-300 {
                if isFirstStep {
                    // Scale the identity to the observed curvature before the first update (Nocedal & Wright 6.20).
                    let scale = curvature / Self.dot(gradientChange, gradientChange)
                    inverseHessian = inverseHessian.map { $0 * scale }
                }
                Self.updateInverseHessian(
                    &inverseHessian, step: step, gradientChange: gradientChange, curvature: curvature)
                isFirstStep = false
            }
            point = accepted.point
            current = accepted.evaluation
        }
        return MinimizationResult(
            point: point, evaluation: current, iterations: maximumIterations, evaluations: evaluations,
            converged: false)
    }

    /// H ← (I − ρ s yᵀ) H (I − ρ y sᵀ) + ρ s sᵀ with ρ = 1/(yᵀs).
    private static func updateInverseHessian(
        _ inverseHessian: inout [Double], step: [Double], gradientChange: [Double], curvature: Double
    ) {
        let dimension = step.count
        let rho = 1 / curvature
        let hy = multiply(inverseHessian, gradientChange)
        let yhy = dot(gradientChange, hy)
        for row in 0..<dimension {
            for column in 0..<dimension {
                inverseHessian[row * dimension + column] +=
                    -rho * (hy[row] * step[column] + step[row] * hy[column])
                    + (rho * rho * yhy + rho) * step[row] * step[column]
            }
        }
    }

    private static func identity(_ dimension: Int) -> [Double] {
        var matrix = [Double](repeating: 0, count: dimension * dimension)
        for index in 0..<dimension { matrix[index * dimension + index] = 1 }
        return matrix
    }

    static func multiply(_ matrix: [Double], _ vector: [Double]) -> [Double] {
        let dimension = vector.count
        return (0..<dimension).map { row in
            (0..<dimension).reduce(0.0) { $0 + matrix[row * dimension + $1] * vector[$1] }
        }
    }

    static func dot(_ left: [Double], _ right: [Double]) -> Double {
        zip(left, right).reduce(0.0) { $0 + $1.0 * $1.1 }
    }
}
