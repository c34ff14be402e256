#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Maximises a log-likelihood over the logarithms of a model's parameters to a stated precision, and tells a maximum
/// inside the parameter space from a likelihood that keeps rising towards its edge.
///
/// The objective is the mean negative log-likelihood of ``customerCount`` customers. BFGS comes close; Newton steps,
/// with the Hessian from central differences of the analytic gradient, finish: near the optimum the likelihood
/// changes by less than its rounding error, only the gradient still guides, and Newton converges there in a few
/// steps where BFGS's line searches stall.
///
/// - The fit has **converged** when the gradient of the total log-likelihood has a Euclidean norm of at most
///   ``gradientTarget``, or when the Hessian is positive definite and the next Newton step would add at most
///   ``gainTarget`` to the log-likelihood (½ gᵀH⁻¹g, exact for the local quadratic).
/// - It is **inside** the parameter space when the Hessian is positive definite, that step would move no
///   log-parameter by more than ``settledStep``, and the curvature is measured above rounding: the standard errors
///   of the log-parameters from Hessians taken with two difference steps, ``differenceStep`` and ten times it, agree
///   within ``curvatureAgreement``. A likelihood that keeps rising towards infinite or zero parameters converges in
///   value while its parameters keep moving (on an exponential tail each Newton step moves about one unit), whereas
///   at a maximum inside the space the step shrinks quadratically to nothing; far out on such a tail the curvature
///   itself sinks below rounding, and Hessians from different steps then disagree.
struct LikelihoodMaximizer {
    /// The largest norm of the total log-likelihood's gradient over log-parameters that counts as converged.
    static let gradientTarget = 1e-6
    /// The largest log-likelihood a further Newton step may promise when the gradient target cannot be met.
    static let gainTarget = 1e-9
    /// The largest move of a log-parameter the next Newton step may propose at a maximum inside the space.
    static let settledStep = 1e-2
    static let newtonIterations = 30
    /// The finite-difference step for the Hessian, in log-parameters (relative changes of 1e-4).
    static let differenceStep = 1e-4
    /// The largest relative difference of the standard errors from the two Hessians for the curvature to count as
    /// measured.
    static let curvatureAgreement = 0.1

    /// Customers in the likelihood: the objective is the total divided by this.
    let customerCount: Double

    func maximize(
        from start: [Double], objective: ([Double]) -> ObjectiveEvaluation
    ) throws(OptimizationError) -> LikelihoodMaximum {
        // BFGS to a mean gradient of 1e-6 is close enough for Newton's quadratic convergence.
        let start = try QuasiNewtonMinimizer(gradientTolerance: 1e-6).minimize(from: start, objective: objective)
        var point = start.point
        var current = start.evaluation
        var iterations = start.iterations
        var step = newtonStep(at: point, current, objective)
        // Newton while it lowers the gradient: the gain test alone would stop short of the gradient target where
        // the Hessian is large, and on a ridge every step still moves the parameters, which is what shows it.
        for _ in 0..<Self.newtonIterations {
            if totalGradientNorm(current) <= Self.gradientTarget { break }
            guard let direction = step?.direction,
                let accepted = Self.descend(from: point, current, along: direction, objective)
            else { break }
            iterations += 1
            point = accepted.point
            current = accepted.evaluation
            step = newtonStep(at: point, current, objective)
        }
        let converged = isConverged(current, step)
        var inside = false
        if let step, step.longestMove <= Self.settledStep,
            let coarse = newtonStep(at: point, current, objective, differenceStep: 10 * Self.differenceStep)
        {
            inside = zip(step.inverseDiagonal, coarse.inverseDiagonal).allSatisfy { fine, coarse in
                abs(fine.squareRoot() - coarse.squareRoot()) <= Self.curvatureAgreement * fine.squareRoot()
            }
        }
        return LikelihoodMaximum(
            point: point, evaluation: current, iterations: iterations, gradientNorm: totalGradientNorm(current),
            converged: converged, inside: inside)
    }

    private func totalGradientNorm(_ evaluation: ObjectiveEvaluation) -> Double {
        customerCount * QuasiNewtonMinimizer.dot(evaluation.gradient, evaluation.gradient).squareRoot()
    }

    private func isConverged(_ evaluation: ObjectiveEvaluation, _ step: NewtonStep?) -> Bool {
        if totalGradientNorm(evaluation) <= Self.gradientTarget { return true }
        guard let step else { return false }
        return customerCount * step.meanGain <= Self.gainTarget
    }

    /// The Newton step at `point`, or nil when the Hessian is not positive definite or not finite.
    private func newtonStep(
        at point: [Double], _ evaluation: ObjectiveEvaluation, _ objective: ([Double]) -> ObjectiveEvaluation,
        differenceStep: Double = Self.differenceStep
    ) -> NewtonStep? {
        let dimension = point.count
        var hessian = [Double](repeating: 0, count: dimension * dimension)
        for column in 0..<dimension {
            var forward = point
            var backward = point
            forward[column] += differenceStep
            backward[column] -= differenceStep
            let ahead = objective(forward)
            let behind = objective(backward)
            guard ahead.isFinite, behind.isFinite else { return nil }
            for row in 0..<dimension {
                hessian[row * dimension + column] =
                    (ahead.gradient[row] - behind.gradient[row]) / (2 * differenceStep)
            }
        }
        // Central differences are symmetric only to rounding; average the two halves.
        for row in 0..<dimension {
            for column in 0..<row {
                let mean = (hessian[row * dimension + column] + hessian[column * dimension + row]) / 2
                hessian[row * dimension + column] = mean
                hessian[column * dimension + row] = mean
            }
        }
        return NewtonStep(hessian: hessian, gradient: evaluation.gradient)
    }

    /// The first of the full Newton step and its halvings that lowers the gradient without raising the objective
    /// beyond rounding (values alone cannot judge steps this close to the optimum), or nil.
    private static func descend(
        from point: [Double], _ current: ObjectiveEvaluation, along direction: [Double],
        _ objective: ([Double]) -> ObjectiveEvaluation
    ) -> (point: [Double], evaluation: ObjectiveEvaluation)? {
        let currentSlope = QuasiNewtonMinimizer.dot(current.gradient, current.gradient)
        let allowedRise = LineSearch.relativeValueNoise * abs(current.value)
        var scale = 1.0
        for _ in 0..<10 {
            let trialPoint = zip(point, direction).map { $0 + scale * $1 }
            let trial = objective(trialPoint)
            if trial.isFinite, trial.value <= current.value + allowedRise,
                trial.value < current.value || QuasiNewtonMinimizer.dot(trial.gradient, trial.gradient) < currentSlope
            {
                return (trialPoint, trial)
            }
            scale /= 2
        }
        return nil
    }
}

extension LikelihoodMaximizer {
    /// The maximum-likelihood parameters of `model` (the exponentials of the point reached), refusing a fit that did
    /// not converge or whose likelihood keeps rising towards the edge of the parameter space.
    func parameters(
        of model: String, from start: [Double], objective: ([Double]) -> ObjectiveEvaluation
    ) throws(ModelFitError) -> (parameters: [Double], maximum: LikelihoodMaximum) {
        let maximum: LikelihoodMaximum
        do {
            maximum = try maximize(from: start, objective: objective)
        } catch {
            throw .optimizationFailed(model: model, reason: error)
        }
        let parameters = maximum.point.map { exp($0) }
        // Zero or infinite parameters are the edge too, however flat the likelihood looks there.
        guard maximum.inside, parameters.allSatisfy({ $0.isNormal }) else { throw .parametersAtEdge(model: model) }
        guard maximum.converged else { throw .notConverged(model: model) }
        return (parameters, maximum)
    }
}
