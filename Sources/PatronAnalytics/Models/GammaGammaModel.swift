#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// The Gamma-Gamma model of the spend per purchase (Fader & Hardie, "The Gamma-Gamma model of monetary value").
///
/// Each purchase's value is Gamma(p, ν) with the customer's ν ~ Gamma(q, γ); it is fitted on repeat buyers only
/// and assumes spend is independent of purchase frequency.
public struct GammaGammaModel: Sendable, Hashable, Codable {
    /// Shape of the per-purchase spend distribution.
    public var p: Double
    /// Shape of the customers' scale distribution.
    public var q: Double
    /// Scale of the customers' scale distribution (γ).
    public var gamma: Double

    /// Creates a model from its three parameters.
    public init(p: Double, q: Double, gamma: Double) {
        self.p = p
        self.q = q
        self.gamma = gamma
    }

    /// The model's name in messages.
    public static let name = "Gamma-Gamma"

    /// The log-likelihood of a repeat buyer's x purchases with mean value `monetaryValue`.
    public func logLikelihood(frequency: Int, monetaryValue: Double) -> Double {
        let x = Double(frequency)
        let shape = p * x
        return SpecialFunctions.logGamma(shape + q) - SpecialFunctions.logGamma(q) + q * log(gamma)
            - SpecialFunctions.logGamma(shape) + (shape - 1) * log(monetaryValue) + shape * log(x)
            - (shape + q) * log(x * monetaryValue + gamma)
    }

    /// The expected mean spend per purchase of a customer with `frequency` repeat purchases averaging
    /// `monetaryValue`; for customers without repeat purchases, the population mean pγ/(q − 1).
    public func expectedAverageSpend(frequency: Int, monetaryValue: Double) -> Double {
        let x = Double(max(frequency, 0))
        return p * (gamma + x * monetaryValue) / (p * x + q - 1)
    }
}

extension GammaGammaModel {
    /// Fits the model by maximum likelihood on the customers with at least one repeat purchase.
    ///
    /// The mean negative log-likelihood is minimised over log(p, q, γ) with BFGS and the analytic gradient, then
    /// Newton steps; log-gamma and digamma terms are computed once per distinct frequency. A fit that does not
    /// converge, or whose best parameters lie at the edge of the space, is refused (see ``ModelFitError``).
    ///
    /// Customers without repeat purchases, or whose mean repeat spend is not positive, carry no information about
    /// spend per purchase under this model and are left out.
    public static func fit(
        _ customers: [CustomerSummary],
        start: GammaGammaModel? = nil
    ) throws(ModelFitError) -> ModelFit<GammaGammaModel> {
        var counter = KeyCounter()
        for customer in customers where customer.history.frequency > 0 {
            let value = customer.monetaryValue
            guard value.isFinite else {
                throw .invalidMonetaryValue(customerID: customer.customerID, value: value)
            }
            guard value > 0 else { continue }
            counter.add(customer.history.frequency, value, 0)
        }
        let objective = GammaGammaObjective(counter)
        guard objective.customerCount > 0 else { throw .noCustomers(model: name) }
        // By default start γ at the mean spend so the first steps are sensible whatever the currency unit.
        let start = start ?? GammaGammaModel(p: 1, q: 1, gamma: objective.meanSpend)
        let startPoint = [log(start.p), log(start.q), log(start.gamma)]
        let (parameters, maximum) = try LikelihoodMaximizer(customerCount: objective.customerCount).parameters(
            of: name, from: startPoint
        ) { objective.evaluate(logParameters: $0) }
        return ModelFit(
            model: GammaGammaModel(p: parameters[0], q: parameters[1], gamma: parameters[2]),
            logLikelihood: -maximum.evaluation.value * objective.customerCount,
            customerCount: Int(objective.customerCount), distinctRows: objective.weights.count,
            iterations: maximum.iterations, gradientNorm: maximum.gradientNorm, converged: maximum.converged)
    }
}

/// The mean negative log-likelihood of the Gamma-Gamma model and its gradient with respect to the log-parameters.
///
/// A repeat buyer's log-likelihood is log Γ(px + q) − log Γ(px) − log Γ(q) + q log γ + (px − 1) log m + px log x
/// − (px + q) log(xm + γ). Only the last term depends on both γ and the customer's spend, so each evaluation
/// computes the rest once per distinct frequency (Σ log m per frequency is fixed) and spends one logarithm per
/// distinct (x, m) pair.
private struct GammaGammaObjective {
    /// Distinct frequencies, ascending.
    let frequencies: [Double]
    /// For each frequency, its rows (contiguous, sorted by spend).
    let frequencyRows: [Range<Int>]
    /// Customers per frequency.
    let frequencyWeights: [Double]
    /// Σ w·log m per frequency.
    let frequencyLogSpend: [Double]
    /// Per distinct (x, m) row: x·m and the number of customers.
    let totals: [Double]
    let weights: [Double]
    let customerCount: Double
    /// The mean of m over the customers.
    let meanSpend: Double

    init(_ counter: KeyCounter) {
        let keys = counter.keys().sorted { ($0.whole, $0.first) < ($1.whole, $1.first) }
        var frequencies: [Double] = []
        var frequencyRows: [Range<Int>] = []
        var frequencyWeights: [Double] = []
        var frequencyLogSpend: [Double] = []
        var totals: [Double] = []
        var weights: [Double] = []
        var spendSum = 0.0
        for (position, key) in keys.enumerated() {
            let x = Double(key.whole)
            let spend = key.first
            let weight = Double(key.count)
            if frequencies.last != x {
                if let last = frequencyRows.indices.last {
                    frequencyRows[last] = frequencyRows[last].lowerBound..<position
                }
                frequencies.append(x)
                frequencyRows.append(position..<keys.count)
                frequencyWeights.append(0)
                frequencyLogSpend.append(0)
            }
            frequencyWeights[frequencies.count - 1] += weight
            frequencyLogSpend[frequencies.count - 1] += weight * log(spend)
            totals.append(x * spend)
            weights.append(weight)
            spendSum += weight * spend
        }
        self.frequencies = frequencies
        self.frequencyRows = frequencyRows
        self.frequencyWeights = frequencyWeights
        self.frequencyLogSpend = frequencyLogSpend
        self.totals = totals
        self.weights = weights
        self.customerCount = frequencyWeights.reduce(0, +)
        self.meanSpend = customerCount > 0 ? spendSum / customerCount : 0
    }

    func evaluate(logParameters: [Double]) -> ObjectiveEvaluation {
        let p = exp(logParameters[0])
        let q = exp(logParameters[1])
        let gamma = exp(logParameters[2])
        let logGammaQ = SpecialFunctions.logGamma(q)
        let digammaQ = SpecialFunctions.digamma(q)
        let logScale = log(gamma)

        var logLikelihood = 0.0
        var gradientP = 0.0
        var gradientQ = 0.0
        var gradientGamma = 0.0
        for (index, x) in frequencies.enumerated() {
            // Σ w·log(xm + γ) and Σ w/(xm + γ) over this frequency's rows.
            var logTotal = 0.0
            var inverseTotal = 0.0
            for row in frequencyRows[index] {
                let total = totals[row] + gamma
                logTotal += weights[row] * log(total)
                inverseTotal += weights[row] / total
            }
            let shape = p * x
            let weight = frequencyWeights[index]
            let logSpend = frequencyLogSpend[index]
            let logFrequency = log(x)
            let digammaShapeQ = SpecialFunctions.digamma(shape + q)
            logLikelihood +=
                weight
                * (SpecialFunctions.logGamma(shape + q) - SpecialFunctions.logGamma(shape) - logGammaQ + q * logScale
                    + shape * logFrequency) + (shape - 1) * logSpend - (shape + q) * logTotal
            gradientP +=
                x
                * (weight * (digammaShapeQ - SpecialFunctions.digamma(shape) + logFrequency) + logSpend - logTotal)
            gradientQ += weight * (digammaShapeQ - digammaQ + logScale) - logTotal
            gradientGamma += weight * q / gamma - (shape + q) * inverseTotal
        }
        let scale = -1 / customerCount
        return ObjectiveEvaluation(
            value: scale * logLikelihood,
            gradient: [scale * p * gradientP, scale * q * gradientQ, scale * gamma * gradientGamma])
    }
}
