extension CustomerPrediction {
    /// The CSV header for predictions.
    public static let csvHeader = ["customer_id", "expected_purchases", "p_alive", "expected_spend", "clv"]

    /// The CSV fields, in ``csvHeader`` order.
    public var csvFields: [String] {
        [
            customerID, String(expectedPurchases), String(probabilityAlive), String(expectedSpend),
            String(lifetimeValue),
        ]
    }
}

extension RFMResult {
    /// The CSV header for RFM results.
    public static let csvHeader = ["customer_id", "recency_days", "frequency", "monetary", "r", "f", "m", "segment"]

    /// The CSV fields, in ``csvHeader`` order.
    public var csvFields: [String] {
        [
            measures.customerID, String(measures.recencyDays), String(measures.frequency), String(measures.monetary),
            String(score.recency), String(score.frequency), String(score.monetary), segment.rawValue,
        ]
    }
}

extension CustomerSummary {
    /// The CSV header for summaries: `customer_id,frequency,recency,T,monetary_value`.
    public static let csvHeader = CustomerSummaryFile.header

    /// The CSV fields, in ``csvHeader`` order.
    public var csvFields: [String] { CustomerSummaryFile.fields(of: self) }
}
