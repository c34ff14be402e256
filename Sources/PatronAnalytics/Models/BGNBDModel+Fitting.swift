import Synchronization

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
    /// with BFGS and the analytic gradient, then Newton steps (see ``ModelFitError`` for the fits refused).
    public static func fit(
        _ histories: [PurchaseHistory],
        start: BGNBDModel = BGNBDModel(r: 1, alpha: 1, a: 1, b: 1)
    ) throws(ModelFitError) -> ModelFit<BGNBDModel> {
        for history in histories where !history.isValid {
            throw .invalidHistory(
                customerID: "?", frequency: history.frequency, recency: history.recency, age: history.age)
        }
        guard !histories.isEmpty else { throw .noCustomers(model: name) }
        return try fit(HistoryAggregate(histories), start: start)
    }

    /// Fits the model to customer summaries, reporting inconsistent rows by customer.
    public static func fit(_ customers: [CustomerSummary]) throws(ModelFitError) -> ModelFit<BGNBDModel> {
        for customer in customers where !customer.history.isValid {
            throw .invalidHistory(
                customerID: customer.customerID, frequency: customer.history.frequency,
                recency: customer.history.recency, age: customer.history.age)
        }
        guard !customers.isEmpty else { throw .noCustomers(model: name) }
        return try fit(
            HistoryAggregate(customers.lazy.map(\.history)), start: BGNBDModel(r: 1, alpha: 1, a: 1, b: 1))
    }

    private static func fit(
        _ aggregate: HistoryAggregate, start: BGNBDModel
    ) throws(ModelFitError) -> ModelFit<BGNBDModel> {
        let objective = BGNBDObjective(aggregate)
        let startPoint = [log(start.r), log(start.alpha), log(start.a), log(start.b)]
        let (parameters, maximum) = try LikelihoodMaximizer(customerCount: objective.customerCount).parameters(
            of: name, from: startPoint
        ) { objective.evaluate(logParameters: $0) }
        let model = BGNBDModel(r: parameters[0], alpha: parameters[1], a: parameters[2], b: parameters[3])
        return ModelFit(
            model: model, logLikelihood: -maximum.evaluation.value * objective.customerCount,
            customerCount: Int(objective.customerCount), distinctRows: objective.aggregate.rows.count,
            iterations: maximum.iterations, gradientNorm: maximum.gradientNorm, converged: maximum.converged)
    }
}

/// The mean negative log-likelihood of the BG/NBD model and its gradient with respect to the log-parameters.
///
/// Per customer, with d = log a − log(b + x − 1) + (r + x)·(log(α + T) − log(α + tₓ)) the log-odds of having
/// dropped out after the last purchase, the likelihood is
/// ℓ = log Γ(r + x) − log Γ(r) + r log α + log B(a, b + x) − log B(a, b) − (r + x) log(α + T) + log(1 + eᵈ)
/// for x > 0 (without the last term for x = 0). Everything but the last two terms depends on the frequency alone,
/// and log(α + T), log(α + tₓ) on one time alone, so each evaluation computes those once per distinct value and
/// spends one exponential and one logarithm per distinct history with x > 0.
private struct BGNBDObjective {
    let aggregate: HistoryAggregate
    let customerCount: Double
    let frequencies: [Double]
    /// Customers per distinct frequency.
    let frequencyWeights: [Double]
    let weights: [Double]
    let recencyIndex: [Int32]
    let ageIndex: [Int32]
    let timeTerms = TimeTermsCache()

    init(_ aggregate: HistoryAggregate) {
        self.aggregate = aggregate
        self.customerCount = Double(aggregate.customerCount)
        self.frequencies = aggregate.frequencies.map(Double.init)
        self.weights = aggregate.rows.map(\.count)
        self.frequencyWeights = aggregate.frequencyRows.map { rows in rows.reduce(0.0) { $0 + aggregate.rows[$1].count }
        }
        self.recencyIndex = aggregate.recencyIndex
        self.ageIndex = aggregate.ageIndex
    }

    func evaluate(logParameters: [Double]) -> ObjectiveEvaluation {
        let r = exp(logParameters[0])
        let alpha = exp(logParameters[1])
        let a = exp(logParameters[2])
        let b = exp(logParameters[3])
        let logAlpha = log(alpha)
        let logA = log(a)
        let terms = timeTerms.terms(alpha: alpha, ages: aggregate.ages, recencies: aggregate.recencies)
        let logGammaR = SpecialFunctions.logGamma(r)
        let logGammaB = SpecialFunctions.logGamma(b)
        let logGammaAB = SpecialFunctions.logGamma(a + b)
        let digammaR = SpecialFunctions.digamma(r)
        let digammaB = SpecialFunctions.digamma(b)
        let digammaAB = SpecialFunctions.digamma(a + b)

        // The rows' sums per frequency, from chunks of rows summed at once and combined in chunk order.
        var frequencySums = [RowSums](repeating: RowSums(), count: frequencies.count)
        let chunks = ChunkedSum.map(weights.count) { rows in
            var parts: [(frequency: Int, sums: RowSums)] = []
            var start = rows.lowerBound
            while start < rows.upperBound {
                let frequency = aggregate.frequencyIndex[start]
                let end = min(aggregate.frequencyRows[frequency].upperBound, rows.upperBound)
                let x = frequencies[frequency]
                let part = rowSums(
                    rows: start..<end, dropoutBase: x > 0 ? logA - log(b + x - 1) : -.infinity, shape: r + x,
                    terms: terms)
                parts.append((frequency, part))
                start = end
            }
            return parts
        }
        for (frequency, part) in chunks.joined() { frequencySums[frequency].add(part) }

        var logLikelihood = 0.0
        var gradientR = 0.0
        var gradientAlpha = 0.0
        var gradientA = 0.0
        var gradientB = 0.0
        for (index, x) in frequencies.enumerated() {
            let sums = frequencySums[index]
            let weight = frequencyWeights[index]
            let digammaABX = SpecialFunctions.digamma(a + b + x)
            let frequencyTerm =
                SpecialFunctions.logGamma(r + x) - logGammaR + SpecialFunctions.logGamma(b + x)
                - SpecialFunctions.logGamma(a + b + x) + logGammaAB - logGammaB + r * logAlpha
            logLikelihood += weight * frequencyTerm - (r + x) * sums.logAge + sums.softplus
            gradientR += weight * (SpecialFunctions.digamma(r + x) - digammaR + logAlpha) - sums.logAge + sums.logOdds
            gradientAlpha += weight * r / alpha - (r + x) * (sums.inverseAge + sums.inverseOdds)
            gradientA += weight * (digammaAB - digammaABX)
            gradientB += weight * (digammaAB + SpecialFunctions.digamma(b + x) - digammaB - digammaABX)
            if x > 0 {
                gradientA += sums.dropout / a
                gradientB -= sums.dropout / (b + x - 1)
            }
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

    /// Weighted sums over the rows of one frequency, with s = P(dropped out | history) = 1/(1 + e⁻ᵈ).
    struct RowSums {
        /// Σ w·log(1 + eᵈ).
        var softplus = 0.0
        /// Σ w·log(α + T).
        var logAge = 0.0
        /// Σ w·s·(log(α + T) − log(α + tₓ)).
        var logOdds = 0.0
        /// Σ w/(α + T).
        var inverseAge = 0.0
        /// Σ w·s·(1/(α + tₓ) − 1/(α + T)).
        var inverseOdds = 0.0
        /// Σ w·s.
        var dropout = 0.0

        mutating func add(_ other: RowSums) {
            softplus += other.softplus
            logAge += other.logAge
            logOdds += other.logOdds
            inverseAge += other.inverseAge
            inverseOdds += other.inverseOdds
            dropout += other.dropout
        }
    }

    /// The sums for `rows`; `dropoutBase` is log a − log(b + x − 1), or −∞ when x = 0.
    private func rowSums(
        rows: Range<Int>, dropoutBase: Double, shape: Double, terms: TimeTerms
    ) -> RowSums {
        let logAgeTerms = terms.logAge
        let inverseAgeTerms = terms.inverseAge
        let logRecencyTerms = terms.logRecency
        let inverseRecencyTerms = terms.inverseRecency
        var sums = RowSums()
        if dropoutBase == -.infinity {
            for row in rows {
                let age = Int(ageIndex[row])
                sums.logAge += weights[row] * logAgeTerms[age]
                sums.inverseAge += weights[row] * inverseAgeTerms[age]
            }
            return sums
        }
        for row in rows {
            let weight = weights[row]
            let age = Int(ageIndex[row])
            let recency = Int(recencyIndex[row])
            let logAge = logAgeTerms[age]
            let logGap = logAge - logRecencyTerms[recency]
            let logOdds = dropoutBase + shape * logGap
            // log(1 + eᵈ) and 1/(1 + e⁻ᵈ) from one exponential of −|d|, which cannot overflow.
            let small = exp(-abs(logOdds))
            let softplus = max(logOdds, 0) + log1p(small)
            let dropout = logOdds > 0 ? 1 / (1 + small) : small / (1 + small)
            sums.softplus += weight * softplus
            sums.logAge += weight * logAge
            sums.logOdds += weight * dropout * logGap
            sums.inverseAge += weight * inverseAgeTerms[age]
            sums.inverseOdds += weight * dropout * (inverseRecencyTerms[recency] - inverseAgeTerms[age])
            sums.dropout += weight * dropout
        }
        return sums
    }
}

/// log(α + t) and 1/(α + t) for every distinct age and recency.
private struct TimeTerms: Sendable {
    var logAge: [Double]
    var inverseAge: [Double]
    var logRecency: [Double]
    var inverseRecency: [Double]

    init(alpha: Double, ages: [Double], recencies: [Double]) {
        logAge = ChunkedSum.fill(ages.count) { log(alpha + ages[$0]) }
        inverseAge = ChunkedSum.fill(ages.count) { 1 / (alpha + ages[$0]) }
        logRecency = ChunkedSum.fill(recencies.count) { log(alpha + recencies[$0]) }
        inverseRecency = ChunkedSum.fill(recencies.count) { 1 / (alpha + recencies[$0]) }
    }
}

/// The time terms of the last three values of α evaluated. The Hessian's differences move one parameter at a time
/// (α up, α down, the others with α as it was), so most of its evaluations find their α here, and the logarithms of
/// a million distinct times are not taken again.
private final class TimeTermsCache: Sendable {
    private let recent = Mutex<[(alpha: Double, terms: TimeTerms)]>([])

    func terms(alpha: Double, ages: [Double], recencies: [Double]) -> TimeTerms {
        if let found = recent.withLock({ $0.first { $0.alpha == alpha } }) { return found.terms }
        let terms = TimeTerms(alpha: alpha, ages: ages, recencies: recencies)
        recent.withLock { recent in
            recent.insert((alpha, terms), at: 0)
            if recent.count > 3 { recent.removeLast() }
        }
        return terms
    }
}
