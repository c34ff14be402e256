/// One purchase: who bought, on which day, for how much.
public struct Transaction: Sendable, Hashable, Codable {
    /// The customer's identifier.
    public var customerID: String
    /// The day of the purchase.
    public var date: CalendarDate
    /// The purchase value, in any currency unit (analytics work in floating point).
    public var amount: Double

    /// Creates a transaction.
    public init(customerID: String, date: CalendarDate, amount: Double) {
        self.customerID = customerID
        self.date = date
        self.amount = amount
    }
}

/// The names of the columns holding a transaction's fields.
public struct TransactionColumns: Sendable, Hashable, Codable {
    /// The customer identifier column.
    public var customer: String
    /// The purchase date column.
    public var date: String
    /// The purchase amount column.
    public var amount: String

    /// Creates a column mapping; the defaults are `customer_id`, `date` and `amount`.
    public init(customer: String = "customer_id", date: String = "date", amount: String = "amount") {
        self.customer = customer
        self.date = date
        self.amount = amount
    }
}

/// Reads transactions from CSV.
public enum TransactionFile {
    /// Reads every transaction of a CSV file with a header line; an empty customer id or a negative amount stops
    /// the read with the line number.
    public static func read(
        path: String, columns: TransactionColumns = TransactionColumns()
    ) throws(InputError)
        -> [Transaction]
    {
        var reader = try CSVReader(path: path)
        guard let header = try reader.nextRecord() else { throw .emptyFile(path: path) }
        return try read(from: &reader, header: header, columns: columns)
    }

    /// Reads every transaction from CSV text with a header line.
    public static func read(
        text: String, columns: TransactionColumns = TransactionColumns()
    ) throws(InputError)
        -> [Transaction]
    {
        var reader = CSVReader(text: text)
        guard let header = try reader.nextRecord() else { throw .emptyFile(path: "<text>") }
        return try read(from: &reader, header: header, columns: columns)
    }

    private static func read(
        from reader: inout CSVReader, header record: CSVRecord, columns: TransactionColumns
    ) throws(InputError) -> [Transaction] {
        let header = CSVHeader(record.fields)
        let customerIndex = try header.index(of: columns.customer)
        let dateIndex = try header.index(of: columns.date)
        let amountIndex = try header.index(of: columns.amount)
        var transactions: [Transaction] = []
        while try reader.advance() {
            transactions.append(
                Transaction(
                    customerID: try reader.customerID(customerIndex, column: columns.customer),
                    date: try reader.date(dateIndex, column: columns.date),
                    amount: try reader.amount(amountIndex, column: columns.amount)))
        }
        return transactions
    }
}
