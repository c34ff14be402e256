import ArgumentParser
import PatronAnalytics

extension AnalyticsCommand {
    /// `patron analytics summary`: per-customer frequency, recency, T and monetary value.
    struct Summary: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Summarise transactions per customer: customer_id,frequency,recency,T,monetary_value."
        )

        @Option(help: "Transactions CSV file with a header line.")
        var transactions: String

        @OptionGroup var columns: TransactionColumnOptions

        @Option(help: "Last day of the calibration period (YYYY-MM-DD); later transactions are ignored.")
        var calibrationEnd: String

        @Option(help: "Time unit of recency and T: week or day.")
        var unit: TimeUnit = .week

        @Option(help: "Write the CSV here instead of standard output.")
        var output: String?

        func run() async throws {
            let end = try AnalyticsCommand.parseDate(calibrationEnd, option: "--calibration-end")
            let records = try TransactionFile.read(path: transactions, columns: columns.columns)
            let summaries = CustomerSummary.summaries(from: records, calibrationEnd: end, unit: unit)
            try AnalyticsCommand.writeCSV(
                header: CustomerSummary.csvHeader, rows: summaries.lazy.map(\.csvFields), to: output)
        }
    }
}
