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
    /// The mean negative log-likelihood is minimised over log(p, q, γ) with BFGS and the analytic gradient;
    /// log-gamma and digamma terms are computed once per distinct frequency.
    ///
    /// Customers without repeat purchases, or whose mean repeat spend is not positive, carry no information about
    /// spend per purchase under this model and are left out.
    public static func fit(
        _ customers: [CustomerSummary],
        start: GammaGammaModel? = nil,
        minimizer: QuasiNewtonMinimizer = QuasiNewtonMinimizer()
    ) throws(ModelFitError) -> ModelFit<GammaGammaModel> {
        var counts: [SpendKey: Int] = [:]
        var customerCount = 0
        for customer in customers where customer.history.frequency > 0 {
            let value = customer.monetaryValue
            guard value.isFinite else {
                throw .invalidMonetaryValue(customerID: customer.customerID, value: value)
            }
            guard value > 0 else { continue }
            counts[SpendKey(frequency: customer.history.frequency, monetaryValue: value), default: 0] += 1
            customerCount += 1
        }
        guard customerCount > 0 else { throw .noCustomers(model: name) }
        // By default start γ at the mean spend so the first steps are sensible whatever the currency unit.
        let meanSpend = counts.reduce(0.0) { $0 + $1.key.monetaryValue * Double($1.value) } / Double(customerCount)
        let start = start ?? GammaGammaModel(p: 1, q: 1, gamma: meanSpend)
        let startPoint = [log(start.p), log(start.q), log(start.gamma)]
        let objective = GammaGammaObjective(counts: counts, customerCount: customerCount)
        let result: MinimizationResult
        do {
            result = try minimizer.minimize(from: startPoint) { objective.evaluate(logParameters: $0) }
        } catch {
            throw .optimizationFailed(model: name, reason: error)
        }
        let parameters = result.point.map { exp($0) }
        return ModelFit(
            model: GammaGammaModel(p: parameters[0], q: parameters[1], gamma: parameters[2]),
            logLikelihood: -result.evaluation.value * Double(customerCount), customerCount: customerCount,
            distinctRows: counts.count, iterations: result.iterations)
    }
}

private struct SpendKey: Hashable {
    var frequency: Int
    var monetaryValue: Double
}

/// The mean negative log-likelihood of the Gamma-Gamma model and its gradient with respect to the log-parameters.
private struct GammaGammaObjective {
    /// Rows sorted by frequency, with log m and log x precomputed.
    let frequencyIndex: [Int]
    let frequencies: [Double]
    let monetaryValues: [Double]
    let logMonetaryValues: [Double]
    let weights: [Double]
    let customerCount: Double

    init(counts: [SpendKey: Int], customerCount: Int) {
        let rows = counts.sorted { ($0.key.frequency, $0.key.monetaryValue) < ($1.key.frequency, $1.key.monetaryValue) }
        var frequencies: [Double] = []
        var frequencyIndex: [Int] = []
        for row in rows {
            let x = Double(row.key.frequency)
            if frequencies.last != x { frequencies.append(x) }
            frequencyIndex.append(frequencies.count - 1)
        }
        self.frequencies = frequencies
        self.frequencyIndex = frequencyIndex
        self.monetaryValues = rows.map(\.key.monetaryValue)
        self.logMonetaryValues = rows.map { log($0.key.monetaryValue) }
        self.weights = rows.map { Double($0.value) }
        self.customerCount = Double(customerCount)
    }

    func evaluate(logParameters: [Double]) -> ObjectiveEvaluation {
        let p = exp(logParameters[0])
        let q = exp(logParameters[1])
        let gamma = exp(logParameters[2])
        let logGammaQ = SpecialFunctions.logGamma(q)
        let digammaQ = SpecialFunctions.digamma(q)
        let logScale = log(gamma)

        // Terms that depend on the frequency only: log Γ(px + q) − log Γ(px) and the matching digammas.
        var frequencyTerm: [Double] = []
        var digammaShapeQ: [Double] = []
        var digammaShape: [Double] = []
        var logFrequency: [Double] = []
        for x in frequencies {
            let shape = p * x
            frequencyTerm.append(SpecialFunctions.logGamma(shape + q) - SpecialFunctions.logGamma(shape))
            digammaShapeQ.append(SpecialFunctions.digamma(shape + q))
            digammaShape.append(SpecialFunctions.digamma(shape))
            logFrequency.append(log(x))
        }

        var logLikelihood = 0.0
        var gradientP = 0.0
        var gradientQ = 0.0
        var gradientGamma = 0.0
        for row in 0..<weights.count {
            let index = frequencyIndex[row]
            let x = frequencies[index]
            let shape = p * x
            let weight = weights[row]
            let logTotal = log(x * monetaryValues[row] + gamma)
            logLikelihood +=
                weight
                * (frequencyTerm[index] - logGammaQ + q * logScale + (shape - 1) * logMonetaryValues[row]
                    + shape * logFrequency[index] - (shape + q) * logTotal)
            gradientP +=
                weight * x
                * (digammaShapeQ[index] - digammaShape[index] + logMonetaryValues[row] + logFrequency[index] - logTotal)
            gradientQ += weight * (digammaShapeQ[index] - digammaQ + logScale - logTotal)
            gradientGamma += weight * (q / gamma - (shape + q) / (x * monetaryValues[row] + gamma))
        }
        let scale = -1 / customerCount
        return ObjectiveEvaluation(
            value: scale * logLikelihood,
            gradient: [scale * p * gradientP, scale * q * gradientQ, scale * gamma * gradientGamma])
    }
}
