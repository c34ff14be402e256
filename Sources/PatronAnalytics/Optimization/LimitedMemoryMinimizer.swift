/// Minimises a smooth function of many variables (thousands to millions) with limited-memory BFGS: the inverse
/// Hessian is never stored, only the last few steps and gradient changes (Nocedal & Wright, algorithm 7.4).
public struct LimitedMemoryMinimizer: Sendable, Hashable {
    /// Iteration stops once the largest absolute partial derivative is at most this.
    public var gradientTolerance: Double
    public var maximumIterations: Int
    /// How many past steps shape each direction.
    public var memory: Int

    public init(gradientTolerance: Double, maximumIterations: Int = 500, memory: Int = 10) {
        self.gradientTolerance = gradientTolerance
        self.maximumIterations = maximumIterations
        self.memory = memory
    }

    /// Minimises `objective` from `start`, returning the best point reached.
    public func minimize(
        from start: [Double], objective: ([Double]) -> ObjectiveEvaluation
    ) throws(OptimizationError) -> MinimizationResult {
        var point = start
        var current = objective(point)
        var evaluations = 1
        guard current.isFinite else { throw .nonFiniteStart(point: start) }
        var steps: [[Double]] = []
        var gradientChanges: [[Double]] = []
        var curvatures: [Double] = []

        for iteration in 0..<maximumIterations {
            let gradientNorm = current.gradient.reduce(0) { max($0, abs($1)) }
            if gradientNorm <= gradientTolerance {
                return MinimizationResult(
                    point: point, evaluation: current, iterations: iteration, evaluations: evaluations,
                    converged: true)
            }
            var direction = Self.direction(
                gradient: current.gradient, steps: steps, gradientChanges: gradientChanges, curvatures: curvatures)
            var slope = QuasiNewtonMinimizer.dot(direction, current.gradient)
            if slope >= 0 {
                steps.removeAll()
                gradientChanges.removeAll()
                curvatures.removeAll()
                direction = current.gradient.map { -$0 }
                slope = QuasiNewtonMinimizer.dot(direction, current.gradient)
            }
            // Without curvature information yet, the first step moves the largest coordinate by at most one.
            let initialStep = steps.isEmpty ? min(1, 1 / gradientNorm) : 1
            var search = LineSearch(
                start: point, direction: direction, startValue: current.value, startSlope: slope,
                stepLimit: .infinity)
            guard let accepted = search.run(initialStep: initialStep, objective: objective) else {
                evaluations += search.evaluations
                return MinimizationResult(
                    point: point, evaluation: current, iterations: iteration, evaluations: evaluations,
                    converged: false)
            }
            evaluations += search.evaluations
            let step = zip(accepted.point, point).map { $0 - $1 }
            let gradientChange = zip(accepted.evaluation.gradient, current.gradient).map { $0 - $1 }
            let curvature = QuasiNewtonMinimizer.dot(step, gradientChange)
            if curvature > 1e-300 {
                if steps.count == memory {
                    steps.removeFirst()
                    gradientChanges.removeFirst()
                    curvatures.removeFirst()
                }
                steps.append(step)
                gradientChanges.append(gradientChange)
                curvatures.append(curvature)
            }
            point = accepted.point
            current = accepted.evaluation
        }
        return MinimizationResult(
            point: point, evaluation: current, iterations: maximumIterations, evaluations: evaluations,
            converged: false)
    }

    /// −H·g by the two-loop recursion, with H₀ scaled to the latest curvature (Nocedal & Wright 7.20).
    private static func direction(
        gradient: [Double], steps: [[Double]], gradientChanges: [[Double]], curvatures: [Double]
    ) -> [Double] {
        var q = gradient
        var alphas = [Double](repeating: 0, count: steps.count)
        for index in steps.indices.reversed() {
            let alpha = QuasiNewtonMinimizer.dot(steps[index], q) / curvatures[index]
            alphas[index] = alpha
            for coordinate in q.indices { q[coordinate] -= alpha * gradientChanges[index][coordinate] }
        }
        if let last = gradientChanges.last, let curvature = curvatures.last {
            let scale = curvature / QuasiNewtonMinimizer.dot(last, last)
            for coordinate in q.indices { q[coordinate] *= scale }
        }
        for index in steps.indices {
            let beta = QuasiNewtonMinimizer.dot(gradientChanges[index], q) / curvatures[index]
            for coordinate in q.indices { q[coordinate] += (alphas[index] - beta) * steps[index][coordinate] }
        }
        return q.map { -$0 }
    }
}
