/// A customer's repeat-purchase record over a calibration period: the input of the purchase-count models.
///
/// Times are in one unit (weeks or days) chosen by the caller; all three values must use the same one.
public struct PurchaseHistory: Sendable, Hashable, Codable {
    /// Repeat purchases (x): purchases after the first, with purchases on the same day counted once.
    public var frequency: Int
    /// Time of the last repeat purchase measured from the first purchase (tₓ); 0 when there is none.
    public var recency: Double
    /// Time from the first purchase to the end of the calibration period (T).
    public var age: Double

    /// Creates a history; see the property descriptions for the conventions.
    public init(frequency: Int, recency: Double, age: Double) {
        self.frequency = frequency
        self.recency = recency
        self.age = age
    }

    /// Whether the values are consistent: x ≥ 0, 0 ≤ tₓ ≤ T, and tₓ = 0 when x = 0.
    public var isValid: Bool {
        frequency >= 0 && recency >= 0 && recency <= age && age.isFinite && (frequency > 0 || recency == 0)
    }
}

/// One customer's calibration summary: a purchase history plus the mean value of the repeat purchases.
public struct CustomerSummary: Sendable, Hashable, Codable {
    /// The customer's identifier as it appears in the source data.
    public var customerID: String
    /// Frequency, recency and age.
    public var history: PurchaseHistory
    /// Mean value of the repeat purchases (the first purchase excluded); 0 when there are none.
    public var monetaryValue: Double

    /// Creates a summary.
    public init(customerID: String, history: PurchaseHistory, monetaryValue: Double) {
        self.customerID = customerID
        self.history = history
        self.monetaryValue = monetaryValue
    }

    /// Creates a summary from the individual values.
    public init(customerID: String, frequency: Int, recency: Double, age: Double, monetaryValue: Double) {
        self.init(
            customerID: customerID, history: PurchaseHistory(frequency: frequency, recency: recency, age: age),
            monetaryValue: monetaryValue)
    }
}

/// The unit in which model times are expressed.
public enum TimeUnit: String, Sendable, Hashable, Codable, CaseIterable {
    /// Seven days.
    case week
    /// One calendar day.
    case day

    /// Days in one unit.
    public var days: Double {
        switch self {
        case .week: 7
        case .day: 1
        }
    }

    /// Units in one month: 4.345 weeks (the customer-base literature's convention) or 30.415 days (the same span).
    public var unitsPerMonth: Double {
        switch self {
        case .week: 4.345
        case .day: 4.345 * 7
        }
    }
}
