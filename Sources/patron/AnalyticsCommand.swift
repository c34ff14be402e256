import ArgumentParser
import PatronAnalytics

/// `patron analytics`: customer-base analytics over exported order files.
///
/// The subcommands only parse options, call `PatronAnalytics` and write the results.
struct AnalyticsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "analytics",
        abstract: "Customer-base analytics: calibration summaries, BG/NBD + Gamma-Gamma lifetime value, RFM.",
        subcommands: [Summary.self, LifetimeValue.self, RFM.self]
    )

    /// Inputs of this size get progress messages on standard error.
    static let progressThreshold = 100_000
}

extension AnalyticsCommand {
    /// The columns of a transactions file.
    struct TransactionColumnOptions: ParsableArguments {
        @Option(help: "Column holding the customer identifier.")
        var customerColumn = "customer_id"

        @Option(help: "Column holding the purchase date (YYYY-MM-DD, YYYYMMDD or RFC 3339).")
        var dateColumn = "date"

        @Option(help: "Column holding the purchase amount.")
        var amountColumn = "amount"

        var columns: TransactionColumns {
            TransactionColumns(customer: customerColumn, date: dateColumn, amount: amountColumn)
        }
    }

    static func parseDate(_ text: String, option: String) throws -> CalendarDate {
        guard let date = CalendarDate(parsing: text) else {
            throw ValidationError("\(option) '\(text)' is not a date (expected YYYY-MM-DD)")
        }
        return date
    }

    static func progress(_ message: String, count: Int) {
        if count >= progressThreshold { TextOutput.printDiagnostic(message) }
    }

    /// Writes a header and rows to `path`, or to standard output when it is nil.
    static func writeCSV(header: [String], rows: some Sequence<[String]>, to path: String?) throws {
        var writer = if let path { try CSVWriter(path: path) } else { CSVWriter() }
        try writer.write(header)
        for row in rows { try writer.write(row) }
        try writer.finish()
    }
}

extension TimeUnit: ExpressibleByArgument {}
