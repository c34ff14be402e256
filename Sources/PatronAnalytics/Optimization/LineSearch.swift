/// A line search for step lengths that satisfy the strong Wolfe conditions (Nocedal & Wright, algorithms 3.5–3.6).
///
/// Close to a minimum the objective changes by less than its rounding error, and the sufficient-decrease test
/// turns into noise. A step is then also accepted under Hager & Zhang's approximate Wolfe conditions, which judge it
/// by its slope (still accurate there) and ask only that the value not rise beyond rounding.
struct LineSearch {
    /// Sufficient-decrease constant.
    static let decreaseConstant = 1e-4
    /// Curvature constant; 0.9 is the usual choice for quasi-Newton directions.
    static let curvatureConstant = 0.9
    static let maximumEvaluations = 60
    /// The slope bound of the approximate Wolfe conditions, (2δ − 1)·φ′(0) with Hager & Zhang's δ = 0.1.
    static let approximateSlopeConstant = -0.8
    /// The rise of the objective, relative to its value, that counts as rounding.
    static let relativeValueNoise = 1e-10

    struct Trial {
        var step: Double
        var value: Double
        var slope: Double
        var point: [Double]
        var evaluation: ObjectiveEvaluation
    }

    let start: [Double]
    let direction: [Double]
    let startValue: Double
    let startSlope: Double
    let stepLimit: Double
    private(set) var evaluations = 0

    init(start: [Double], direction: [Double], startValue: Double, startSlope: Double, stepLimit: Double) {
        self.start = start
        self.direction = direction
        self.startValue = startValue
        self.startSlope = startSlope
        self.stepLimit = stepLimit
    }

    /// Returns an accepted trial, or nil when no acceptable step was found.
    mutating func run(
        initialStep: Double, objective: ([Double]) -> ObjectiveEvaluation
    ) -> (point: [Double], evaluation: ObjectiveEvaluation)? {
        var previous = Trial(
            step: 0, value: startValue, slope: startSlope, point: start,
            evaluation: ObjectiveEvaluation(value: startValue, gradient: []))
        var step = initialStep
        var bestDecrease: Trial?
        var first = true
        while evaluations < Self.maximumEvaluations {
            guard let trial = evaluate(step, objective) else {
                // Not finite: the step went too far, so shrink towards the last good point.
                step = previous.step + (step - previous.step) * 0.25
                continue
            }
            if trial.value < startValue, trial.value < (bestDecrease?.value ?? .infinity) { bestDecrease = trial }
            if trial.value > startValue + Self.decreaseConstant * step * startSlope
                || (!first && trial.value >= previous.value)
            {
                if meetsApproximateWolfeConditions(trial) { return (trial.point, trial.evaluation) }
                return zoom(low: previous, high: trial, objective, fallback: bestDecrease)
            }
            if abs(trial.slope) <= -Self.curvatureConstant * startSlope {
                return (trial.point, trial.evaluation)
            }
            if trial.slope >= 0 {
                return zoom(low: trial, high: previous, objective, fallback: bestDecrease)
            }
            if step >= stepLimit { return (trial.point, trial.evaluation) }
            previous = trial
            step = min(step * 2, stepLimit)
            first = false
        }
        return bestDecrease.map { ($0.point, $0.evaluation) }
    }

    private mutating func zoom(
        low lowStart: Trial, high highStart: Trial, _ objective: ([Double]) -> ObjectiveEvaluation, fallback: Trial?
    ) -> (point: [Double], evaluation: ObjectiveEvaluation)? {
        var low = lowStart
        var high = highStart
        var best = fallback
        while evaluations < Self.maximumEvaluations {
            let step = interpolate(low, high)
            guard let trial = evaluate(step, objective) else {
                high.step = step
                high.value = .infinity
                continue
            }
            if trial.value < startValue, trial.value < (best?.value ?? .infinity) { best = trial }
            if trial.value > startValue + Self.decreaseConstant * step * startSlope || trial.value >= low.value {
                if meetsApproximateWolfeConditions(trial) { return (trial.point, trial.evaluation) }
                high = trial
            } else {
                if abs(trial.slope) <= -Self.curvatureConstant * startSlope {
                    return (trial.point, trial.evaluation)
                }
                if trial.slope * (high.step - low.step) >= 0 { high = low }
                low = trial
            }
            if abs(high.step - low.step) <= 1e-14 * max(abs(low.step), 1e-300) { break }
        }
        // The Wolfe conditions could not be met to rounding precision; a point that lowered the objective will do.
        return best.map { ($0.point, $0.evaluation) }
    }

    /// Whether `trial` has a slope between 0.9·φ′(0) and −0.8·φ′(0) and a value above the start's by rounding at
    /// most.
    private func meetsApproximateWolfeConditions(_ trial: Trial) -> Bool {
        trial.value <= startValue + Self.relativeValueNoise * abs(startValue)
            && trial.slope >= Self.curvatureConstant * startSlope
            && trial.slope <= Self.approximateSlopeConstant * startSlope
    }

    /// The minimiser of the cubic through both ends (values and slopes), kept well inside the bracket.
    private func interpolate(_ low: Trial, _ high: Trial) -> Double {
        let lower = min(low.step, high.step)
        let upper = max(low.step, high.step)
        let width = upper - lower
        var candidate = (low.step + high.step) / 2
        if high.value.isFinite, high.slope.isFinite {
            let d1 = low.slope + high.slope - 3 * (low.value - high.value) / (low.step - high.step)
            let discriminant = d1 * d1 - low.slope * high.slope
            if discriminant >= 0 {
                let d2 = (high.step > low.step ? 1.0 : -1.0) * discriminant.squareRoot()
                let cubic =
                    high.step - (high.step - low.step) * (high.slope + d2 - d1) / (high.slope - low.slope + 2 * d2)
                if cubic.isFinite { candidate = cubic }
            }
        }
        // Safeguard: stay at least a tenth of the bracket away from either end.
        return min(max(candidate, lower + 0.1 * width), upper - 0.1 * width)
    }

    private mutating func evaluate(_ step: Double, _ objective: ([Double]) -> ObjectiveEvaluation) -> Trial? {
        evaluations += 1
        let point = zip(start, direction).map { $0 + step * $1 }
        let evaluation = objective(point)
        guard evaluation.isFinite else { return nil }
        let slope = QuasiNewtonMinimizer.dot(evaluation.gradient, direction)
        return Trial(step: step, value: evaluation.value, slope: slope, point: point, evaluation: evaluation)
    }
}
