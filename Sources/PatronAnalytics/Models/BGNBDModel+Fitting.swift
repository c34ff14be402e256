#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

extension BGNBDModel {
    /// Fits the model by maximum likelihood.
    ///
    /// Identical histories are merged first, terms that depend only on the frequency are computed once per
    /// distinct frequency, and the mean negative log-likelihood is minimised over the logarithms of (r, α, a, b)
    /// with BFGS and the analytic gradient.
    public static func fit(
        _ histories: [PurchaseHistory],
        start: BGNBDModel = BGNBDModel(r: 1, alpha: 1, a: 1, b: 1),
        minimizer: QuasiNewtonMinimizer = QuasiNewtonMinimizer()
    ) throws(ModelFitError) -> ModelFit<BGNBDModel> {
        for history in histories where !history.isValid {
            throw .invalidHistory(
                customerID: "?", frequency: history.frequency, recency: history.recency, age: history.age)
        }
        guard !histories.isEmpty else { throw .noCustomers(model: name) }
        let objective = BGNBDObjective(HistoryAggregate(histories))
        let startPoint = [log(start.r), log(start.alpha), log(start.a), log(start.b)]
        let result: MinimizationResult
        do {
            result = try minimizer.minimize(from: startPoint) { objective.evaluate(logParameters: $0) }
        } catch {
            throw .optimizationFailed(model: name, reason: error)
        }
        let parameters = result.point.map { exp($0) }
        let model = BGNBDModel(r: parameters[0], alpha: parameters[1], a: parameters[2], b: parameters[3])
        return ModelFit(
            model: model, logLikelihood: -result.evaluation.value * objective.customerCount,
            customerCount: Int(objective.customerCount), distinctRows: objective.aggregate.rows.count,
            iterations: result.iterations)
    }

    /// Fits the model to customer summaries, reporting inconsistent rows by customer.
    public static func fit(
        _ customers: [CustomerSummary], minimizer: QuasiNewtonMinimizer = QuasiNewtonMinimizer()
    ) throws(ModelFitError) -> ModelFit<BGNBDModel> {
        for customer in customers where !customer.history.isValid {
            throw .invalidHistory(
                customerID: customer.customerID, frequency: customer.history.frequency,
                recency: customer.history.recency, age: customer.history.age)
        }
        return try fit(customers.map(\.history), minimizer: minimizer)
    }
}

/// The mean negative log-likelihood of the BG/NBD model and its gradient with respect to the log-parameters.
private struct BGNBDObjective {
    let aggregate: HistoryAggregate
    let customerCount: Double
    /// Per row: log(α + T) and log(α + tₓ) depend on α, so only the raw times are kept.
    let frequencies: [Double]

    init(_ aggregate: HistoryAggregate) {
        self.aggregate = aggregate
        self.customerCount = Double(aggregate.customerCount)
        self.frequencies = aggregate.frequencies.map(Double.init)
    }

    func evaluate(logParameters: [Double]) -> ObjectiveEvaluation {
        let r = exp(logParameters[0])
        let alpha = exp(logParameters[1])
        let a = exp(logParameters[2])
        let b = exp(logParameters[3])
        let logAlpha = log(alpha)
        let logA = log(a)

        // Terms that depend on the frequency only.
        let count = frequencies.count
        var frequencyTerm = [Double](repeating: 0, count: count)
        var digammaRX = [Double](repeating: 0, count: count)
        var digammaBX = [Double](repeating: 0, count: count)
        var digammaABX = [Double](repeating: 0, count: count)
        var logBXMinusOne = [Double](repeating: 0, count: count)
        let logGammaR = SpecialFunctions.logGamma(r)
        let logGammaB = SpecialFunctions.logGamma(b)
        let logGammaAB = SpecialFunctions.logGamma(a + b)
        for (index, x) in frequencies.enumerated() {
            frequencyTerm[index] =
                SpecialFunctions.logGamma(r + x) - logGammaR + SpecialFunctions.logGamma(b + x)
                - SpecialFunctions.logGamma(a + b + x) + logGammaAB - logGammaB
            digammaRX[index] = SpecialFunctions.digamma(r + x)
            digammaBX[index] = SpecialFunctions.digamma(b + x)
            digammaABX[index] = SpecialFunctions.digamma(a + b + x)
            logBXMinusOne[index] = x > 0 ? log(b + x - 1) : 0
        }
        let digammaR = SpecialFunctions.digamma(r)
        let digammaB = SpecialFunctions.digamma(b)
        let digammaAB = SpecialFunctions.digamma(a + b)

        var logLikelihood = 0.0
        var gradientR = 0.0
        var gradientAlpha = 0.0
        var gradientA = 0.0
        var gradientB = 0.0
        for (rowIndex, row) in aggregate.rows.enumerated() {
            let index = aggregate.frequencyIndex[rowIndex]
            let x = frequencies[index]
            let weight = row.count
            let logAgeTerm = log(alpha + row.history.age)
            let stillActive = -(r + x) * logAgeTerm
            var rowValue = frequencyTerm[index] + r * logAlpha
            // Weights of the "still active" and "dropped out after the last purchase" branches.
            var activeShare = 1.0
            var dropoutShare = 0.0
            var logRecencyTerm = 0.0
            if x > 0 {
                logRecencyTerm = log(alpha + row.history.recency)
                let droppedOut = logA - logBXMinusOne[index] - (r + x) * logRecencyTerm
                let largest = max(stillActive, droppedOut)
                let activePart = exp(stillActive - largest)
                let dropoutPart = exp(droppedOut - largest)
                let total = activePart + dropoutPart
                rowValue += largest + log(total)
                activeShare = activePart / total
                dropoutShare = dropoutPart / total
            } else {
                rowValue += stillActive
            }
            logLikelihood += weight * rowValue
            gradientR +=
                weight
                * (digammaRX[index] - digammaR + logAlpha - activeShare * logAgeTerm
                    - dropoutShare * logRecencyTerm)
            gradientAlpha +=
                weight
                * (r / alpha - (r + x)
                    * (activeShare / (alpha + row.history.age) + dropoutShare / (alpha + row.history.recency)))
            gradientA += weight * (digammaAB - digammaABX[index] + dropoutShare / a)
            gradientB +=
                weight
                * (digammaAB + digammaBX[index] - digammaB - digammaABX[index]
                    - (x > 0 ? dropoutShare / (b + x - 1) : 0))
        }
        // Chain rule to log-parameters, and the mean so the tolerance does not depend on the number of customers.
        let scale = -1 / customerCount
        return ObjectiveEvaluation(
            value: scale * logLikelihood,
            gradient: [
                scale * r * gradientR, scale * alpha * gradientAlpha, scale * a * gradientA, scale * b * gradientB,
            ]
        )
    }
}
