/// Why a model could not be fitted.
public enum ModelFitError: Error, Hashable, CustomStringConvertible {
    /// There were no usable customers (for Gamma-Gamma: no repeat buyers with a positive spend).
    case noCustomers(model: String)
    /// A customer's values are inconsistent (for example recency after age, or a negative frequency).
    case invalidHistory(customerID: String, frequency: Int, recency: Double, age: Double)
    /// A repeat buyer's mean spend is not a positive finite number.
    case invalidMonetaryValue(customerID: String, value: Double)
    /// The optimiser failed.
    case optimizationFailed(model: String, reason: OptimizationError)

    public var description: String {
        switch self {
        case .noCustomers(let model):
            "\(model): no customers to fit"
        case .invalidHistory(let customerID, let frequency, let recency, let age):
            "customer \(customerID): inconsistent history (frequency \(frequency), recency \(recency), T \(age))"
        case .invalidMonetaryValue(let customerID, let value):
            "customer \(customerID): monetary value \(value) must be positive for a repeat buyer"
        case .optimizationFailed(let model, let reason):
            "\(model): \(reason)"
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
    /// Optimiser iterations.
    public var iterations: Int

    /// Creates a fit record.
    public init(model: Model, logLikelihood: Double, customerCount: Int, distinctRows: Int, iterations: Int) {
        self.model = model
        self.logLikelihood = logLikelihood
        self.customerCount = customerCount
        self.distinctRows = distinctRows
        self.iterations = iterations
    }
}

/// A purchase-count model that can predict future purchases and whether a customer is still active.
public protocol PurchaseModel: Sendable {
    /// The expected number of purchases in the next `duration` units, given the customer's history.
    func expectedPurchases(in duration: Double, given history: PurchaseHistory) -> Double
    /// The probability that the customer is still active at the end of the calibration period.
    func probabilityAlive(given history: PurchaseHistory) -> Double
}
