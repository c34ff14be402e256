#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

extension ParetoNBDModel {
    /// Fits the model by maximum likelihood over log(r, α, s, β) with BFGS and the analytic gradient, then Newton
    /// steps (see ``ModelFitError`` for the fits refused).
    public static func fit(
        _ histories: [PurchaseHistory],
        start: ParetoNBDModel = ParetoNBDModel(r: 1, alpha: 1, s: 1, beta: 1)
    ) throws(ModelFitError) -> ModelFit<ParetoNBDModel> {
        for history in histories where !history.isValid {
            throw .invalidHistory(
                customerID: "?", frequency: history.frequency, recency: history.recency, age: history.age)
        }
        guard !histories.isEmpty else { throw .noCustomers(model: name) }
        let aggregate = HistoryAggregate(histories)
        let startPoint = [log(start.r), log(start.alpha), log(start.s), log(start.beta)]
        let (parameters, maximum) = try LikelihoodMaximizer(customerCount: Double(aggregate.customerCount))
            .parameters(of: name, from: startPoint) { evaluate(aggregate, logParameters: $0) }
        return ModelFit(
            model: ParetoNBDModel(r: parameters[0], alpha: parameters[1], s: parameters[2], beta: parameters[3]),
            logLikelihood: -maximum.evaluation.value * Double(aggregate.customerCount),
            customerCount: aggregate.customerCount, distinctRows: aggregate.rows.count,
            iterations: maximum.iterations, gradientNorm: maximum.gradientNorm, converged: maximum.converged)
    }

    /// The mean negative log-likelihood and its gradient with respect to the log-parameters.
    private static func evaluate(_ aggregate: HistoryAggregate, logParameters: [Double]) -> ObjectiveEvaluation {
        let model = ParetoNBDModel(
            r: exp(logParameters[0]), alpha: exp(logParameters[1]), s: exp(logParameters[2]),
            beta: exp(logParameters[3]))
        let (r, alpha, s, beta) = (model.r, model.alpha, model.s, model.beta)
        let frequencyTerms = aggregate.frequencies.map { frequency in
            let x = Double(frequency)
            return (
                logGamma: SpecialFunctions.logGamma(r + x) - SpecialFunctions.logGamma(r),
                digamma: SpecialFunctions.digamma(r + x)
            )
        }
        let digammaR = SpecialFunctions.digamma(r)
        let logAlpha = log(alpha)
        let logBeta = log(beta)
        var logLikelihood = 0.0
        var gradient = [0.0, 0.0, 0.0, 0.0]
        for (rowIndex, row) in aggregate.rows.enumerated() {
            let x = Double(row.history.frequency)
            let terms = frequencyTerms[aggregate.frequencyIndex[rowIndex]]
            let age = row.history.age
            let logAlphaAge = log(alpha + age)
            let logBetaAge = log(beta + age)
            let logAlive = -(r + x) * logAlphaAge - s * logBetaAge
            let integral = ParetoNBDIntegral(
                model: model, frequency: x, from: row.history.recency, to: age, withGradient: true)
            var logTotal = logAlive
            var aliveShare = 1.0
            if integral.sum > 0 {
                let logDead = log(s) + integral.logScale + log(integral.sum)
                logTotal = BGNBDModel.logSumExp(logAlive, logDead)
                aliveShare = exp(logAlive - logTotal)
            }
            let deadShare = 1 - aliveShare
            let inverseSum = integral.sum > 0 ? 1 / integral.sum : 0
            let weight = row.count
            logLikelihood += weight * (terms.logGamma + r * logAlpha + s * logBeta + logTotal)
            gradient[0] +=
                weight
                * (terms.digamma - digammaR + logAlpha - aliveShare * logAlphaAge
                    - deadShare * integral.sumLogAlpha * inverseSum)
            gradient[1] +=
                weight
                * (r / alpha - aliveShare * (r + x) / (alpha + age)
                    - deadShare * (r + x) * integral.sumInverseAlpha * inverseSum)
            gradient[2] +=
                weight * (logBeta - aliveShare * logBetaAge + deadShare * (1 / s - integral.sumLogBeta * inverseSum))
            gradient[3] +=
                weight
                * (s / beta - aliveShare * s / (beta + age)
                    - deadShare * (s + 1) * integral.sumInverseBeta * inverseSum)
        }
        let scale = -1 / Double(aggregate.customerCount)
        let parameters = [r, alpha, s, beta]
        return ObjectiveEvaluation(
            value: scale * logLikelihood, gradient: (0..<4).map { scale * parameters[$0] * gradient[$0] })
    }
}
