/// Reads and writes per-customer calibration summaries as CSV.
///
/// The columns are `customer_id,frequency,recency,T,monetary_value`; the names used by the CDNOW summary
/// (`ID,x,t_x,T,zbar`) are accepted too.
public enum CustomerSummaryFile {
    /// The header written by ``csvLines(for:)``.
    public static let header = ["customer_id", "frequency", "recency", "T", "monetary_value"]

    /// Reads a summary file.
    public static func read(path: String) throws(InputError) -> [CustomerSummary] {
        var reader = try CSVReader(path: path)
        guard let header = try reader.nextRecord() else { throw .emptyFile(path: path) }
        return try read(from: &reader, header: header)
    }

    /// Reads summary CSV text.
    public static func read(text: String) throws(InputError) -> [CustomerSummary] {
        var reader = CSVReader(text: text)
        guard let header = try reader.nextRecord() else { throw .emptyFile(path: "<text>") }
        return try read(from: &reader, header: header)
    }

    private static func read(
        from reader: inout CSVReader, header record: CSVRecord
    ) throws(InputError)
        -> [CustomerSummary]
    {
        let header = CSVHeader(record.fields)
        let customerIndex = try header.index(of: "customer_id", "ID")
        let frequencyIndex = try header.index(of: "frequency", "x")
        let recencyIndex = try header.index(of: "recency", "t_x")
        let ageIndex = try header.index(of: "T")
        let monetaryIndex = try header.index(of: "monetary_value", "zbar")
        var summaries: [CustomerSummary] = []
        while try reader.advance() {
            let line = reader.recordLine
            let frequencyValue = try reader.number(frequencyIndex, column: "frequency")
            guard frequencyValue >= 0, frequencyValue == frequencyValue.rounded(), frequencyValue < 1e9 else {
                throw .invalidSummary(
                    reason: "frequency \(frequencyValue) is not a non-negative whole number", line: line)
            }
            let frequency = Int(frequencyValue)
            let recency = try reader.number(recencyIndex, column: "recency")
            let age = try reader.number(ageIndex, column: "T")
            let monetaryValue = try reader.number(monetaryIndex, column: "monetary_value")
            guard recency >= 0, age >= recency else {
                throw .invalidSummary(reason: "recency \(recency) must lie between 0 and T (\(age))", line: line)
            }
            guard frequency > 0 || recency == 0 else {
                throw .invalidSummary(reason: "recency must be 0 when frequency is 0", line: line)
            }
            guard monetaryValue >= 0 else {
                throw .invalidSummary(reason: "monetary_value \(monetaryValue) is negative", line: line)
            }
            let customer = try reader.customerID(customerIndex, column: "customer_id")
            summaries.append(
                CustomerSummary(
                    customerID: customer, frequency: frequency, recency: recency, age: age,
                    monetaryValue: monetaryValue))
        }
        return summaries
    }

    /// The CSV fields of one summary, in ``header`` order.
    public static func fields(of summary: CustomerSummary) -> [String] {
        [
            summary.customerID, String(summary.history.frequency), String(summary.history.recency),
            String(summary.history.age), String(summary.monetaryValue),
        ]
    }
}
