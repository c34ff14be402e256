/// The two models behind customer lifetime value, fitted together: BG/NBD for purchase counts and Gamma-Gamma for
/// spend per purchase.
public struct CustomerBaseFit: Sendable, Hashable {
    /// The purchase-count model.
    public var purchases: ModelFit<BGNBDModel>
    /// The spend model.
    public var spend: ModelFit<GammaGammaModel>

    /// Creates a record of two fits.
    public init(purchases: ModelFit<BGNBDModel>, spend: ModelFit<GammaGammaModel>) {
        self.purchases = purchases
        self.spend = spend
    }

    /// Fits both models to the same customers.
    public static func fit(_ customers: [CustomerSummary]) throws(ModelFitError) -> CustomerBaseFit {
        let purchases = try BGNBDModel.fit(customers)
        let spend = try GammaGammaModel.fit(customers)
        return CustomerBaseFit(purchases: purchases, spend: spend)
    }

    /// Predictions for every customer under both models.
    public func predictions(
        for customers: [CustomerSummary], settings: LifetimeValueSettings
    )
        -> [CustomerPrediction]
    {
        CustomerLifetimeValue.predictions(
            for: customers, purchaseModel: purchases.model, spendModel: spend.model, settings: settings)
    }

    /// The parameters and how each fit ended, as one JSON object:
    /// `{"bgnbd": {"r", "alpha", "a", "b", "log_likelihood", "iterations", "gradient_norm", "converged"},
    /// "gamma_gamma": {"p", "q", "gamma", "log_likelihood", "iterations", "gradient_norm", "converged"},
    /// "customers": N}`.
    public var json: String {
        let bgnbd = purchases.model
        let gammaGamma = spend.model
        func object(_ parameters: [(String, Double)], _ fit: ModelFit<some Sendable & Hashable>) -> String {
            let fields =
                parameters.map { "\"\($0.0)\": \(JSONNumber.format($0.1))" } + [
                    "\"log_likelihood\": \(JSONNumber.format(fit.logLikelihood))",
                    "\"iterations\": \(fit.iterations)",
                    "\"gradient_norm\": \(JSONNumber.format(fit.gradientNorm))",
                    "\"converged\": \(fit.converged)",
                ]
            return "{" + fields.joined(separator: ", ") + "}"
        }
        let bgnbdObject = object([("r", bgnbd.r), ("alpha", bgnbd.alpha), ("a", bgnbd.a), ("b", bgnbd.b)], purchases)
        let gammaGammaObject = object([("p", gammaGamma.p), ("q", gammaGamma.q), ("gamma", gammaGamma.gamma)], spend)
        return "{\"bgnbd\": \(bgnbdObject), \"gamma_gamma\": \(gammaGammaObject), "
            + "\"customers\": \(purchases.customerCount)}"
    }
}

/// Formats numbers for JSON, which has no literal for NaN or infinity.
enum JSONNumber {
    static func format(_ value: Double) -> String {
        value.isFinite ? String(value) : "null"
    }
}
