/// Why a model could not be fitted.
public enum ModelFitError: Error, Hashable, CustomStringConvertible {
    /// There were no usable customers (for Gamma-Gamma: no repeat buyers with a positive spend).
    case noCustomers(model: String)
    /// A customer's values are inconsistent (for example recency after age, or a negative frequency).
    case invalidHistory(customerID: String, frequency: Int, recency: Double, age: Double)
    /// A repeat buyer's mean spend is not a positive finite number.
    case invalidMonetaryValue(customerID: String, value: Double)
    /// The objective could not be evaluated at the starting point.
    case optimizationFailed(model: String, reason: OptimizationError)
    /// The fit did not reach a maximum of the likelihood to the required precision.
    case notConverged(model: String)
    /// The likelihood keeps rising towards infinite or zero parameters: the data do not determine the model.
    case parametersAtEdge(model: String)

    public var description: String {
        switch self {
        case .noCustomers(let model) where model == GammaGammaModel.name:
            "\(model): no customer bought on two different days, so there is no repeat spend to model"
        case .noCustomers(let model):
            "\(model): no customers to fit"
        case .invalidHistory(let customerID, let frequency, let recency, let age):
            "customer \(customerID): inconsistent history (frequency \(frequency), recency \(recency), T \(age))"
        case .invalidMonetaryValue(let customerID, let value):
            "customer \(customerID): monetary value \(value) must be positive for a repeat buyer"
        case .optimizationFailed(let model, let reason):
            "\(model): \(reason)"
        case .notConverged(let model):
            "\(model): the fit did not settle on a best estimate; more customers or a longer history are needed"
        case .parametersAtEdge(let model) where model == GammaGammaModel.name:
            "\(model): the spend of the repeat buyers does not determine the model (its best fit runs off to "
                + "extreme values, as when a few customers all spend alike); more customers are needed"
        case .parametersAtEdge(let model):
            "\(model): the purchases do not determine the model (its best fit runs off to extreme values, as when "
                + "customers are few or all behave alike, for instance when none seems to have stopped buying); "
                + "more customers or a longer history are needed"
        }
    }
}

/// A fitted model together with the quality of its fit.
public struct ModelFit<Model: Sendable & Hashable>: Sendable, Hashable {
    /// The maximum-likelihood model.
    public var model: Model
    /// The log-likelihood of the data at ``model``.
    public var logLikelihood: Double
    /// Customers the likelihood was computed over.
    public var customerCount: Int
    /// Distinct input rows after identical ones were merged.
    public var distinctRows: Int
    /// Optimiser iterations (BFGS, then Newton).
    public var iterations: Int
    /// The Euclidean norm of the log-likelihood's gradient with respect to the logarithms of the parameters.
    public var gradientNorm: Double
    /// Whether the gradient norm is at most 1e-6, or a Newton step with a positive definite Hessian would raise the
    /// log-likelihood by at most 1e-9.
    public var converged: Bool

    /// Creates a fit record.
    public init(
        model: Model, logLikelihood: Double, customerCount: Int, distinctRows: Int, iterations: Int,
        gradientNorm: Double, converged: Bool
    ) {
        self.model = model
        self.logLikelihood = logLikelihood
        self.customerCount = customerCount
        self.distinctRows = distinctRows
        self.iterations = iterations
        self.gradientNorm = gradientNorm
        self.converged = converged
    }
}

/// A purchase-count model that can predict future purchases and whether a customer is still active.
public protocol PurchaseModel: Sendable {
    /// The expected number of purchases in the next `duration` units, given the customer's history.
    func expectedPurchases(in duration: Double, given history: PurchaseHistory) -> Double
    /// The probability that the customer is still active at the end of the calibration period.
    func probabilityAlive(given history: PurchaseHistory) -> Double
}
