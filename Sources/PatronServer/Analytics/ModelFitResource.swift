import PatronAnalytics
import PatronCore
import PatronStore

/// The stored model fit: `GET /v1/analytics/model`, embedded in predictions, and printed by
/// `patron analytics refit`. Each model carries how its fit ended (`iterations`, `gradient_norm`, `converged`).
public struct ModelFitResource: Encodable, Sendable {
    let fit: StoredModelFit

    public init(fit: StoredModelFit) {
        self.fit = fit
    }

    private enum CodingKeys: String, CodingKey {
        case fitID = "fit_id"
        case fittedAt = "fitted_at"
        case calibrationEnd = "calibration_end"
        case utcOffset = "utc_offset"
        case currency
        case timeUnit = "time_unit"
        case customers
        case repeatCustomers = "repeat_customers"
        case orderCount = "order_count"
        case bgnbd
        case gammaGamma = "gamma_gamma"
    }

    /// One model's parameters, log-likelihood and convergence, as one JSON object.
    private struct Model: Encodable {
        let parameters: [(name: String, value: Double)]
        let logLikelihood: Double
        let convergence: FitConvergence

        struct Key: CodingKey {
            var stringValue: String
            var intValue: Int? { nil }
            init(stringValue: String) { self.stringValue = stringValue }
            init?(intValue: Int) { nil }
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: Key.self)
            for parameter in parameters {
                try container.encode(parameter.value, forKey: Key(stringValue: parameter.name))
            }
            try container.encode(logLikelihood, forKey: Key(stringValue: "log_likelihood"))
            try container.encode(convergence.iterations, forKey: Key(stringValue: "iterations"))
            try container.encode(convergence.gradientNorm, forKey: Key(stringValue: "gradient_norm"))
            try container.encode(convergence.converged, forKey: Key(stringValue: "converged"))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(String(fit.fitID), forKey: .fitID)
        try container.encode(fit.fittedAt, forKey: .fittedAt)
        try container.encode(fit.calibrationEnd, forKey: .calibrationEnd)
        try container.encode(fit.utcOffset, forKey: .utcOffset)
        try container.encode(fit.currency, forKey: .currency)
        try container.encode(fit.unit.rawValue, forKey: .timeUnit)
        try container.encode(fit.customers, forKey: .customers)
        try container.encode(fit.repeatCustomers, forKey: .repeatCustomers)
        try container.encode(fit.orderCount, forKey: .orderCount)
        let purchases = fit.purchases
        try container.encode(
            Model(
                parameters: [("r", purchases.r), ("alpha", purchases.alpha), ("a", purchases.a), ("b", purchases.b)],
                logLikelihood: fit.purchasesLogLikelihood, convergence: fit.purchasesConvergence),
            forKey: .bgnbd)
        let spend = fit.spend
        try container.encode(
            Model(
                parameters: [("p", spend.p), ("q", spend.q), ("gamma", spend.gamma)],
                logLikelihood: fit.spendLogLikelihood, convergence: fit.spendConvergence),
            forKey: .gammaGamma)
    }
}
