import ArgumentParser
import PatronAnalytics

extension AnalyticsCommand {
    /// `patron analytics rfm`: RFM quintile scores and segments at a reference date.
    struct RFM: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "rfm",
            abstract: "Score recency, frequency and monetary value 1–5 and name each customer's segment."
        )

        @Option(help: "Transactions CSV file with a header line.")
        var transactions: String

        @OptionGroup var columns: TransactionColumnOptions

        @Option(help: "The day the scores are computed for (YYYY-MM-DD); later transactions are ignored.")
        var referenceDate: String

        @Option(help: "Write the CSV here instead of standard output.")
        var output: String?

        @OptionGroup var timing: TimingOptions

        func run() async throws {
            var timer = PhaseTimer(isEnabled: timing.timings)
            let reference = try AnalyticsCommand.parseDate(referenceDate, option: "--reference-date")
            let records = try TransactionFile.read(path: transactions, columns: columns.columns)
            timer.lap("read")
            let measures = RFMAnalysis.measures(from: records, referenceDate: reference)
            timer.lap("measures")
            AnalyticsCommand.progress("scoring \(measures.count) customers", count: measures.count)
            let results = RFMAnalysis.analyze(measures)
            timer.lap("scoring")
            try AnalyticsCommand.writeCSV(header: RFMResult.csvHeader, rows: results.lazy.map(\.csvFields), to: output)
            timer.lap("write")
            timer.report()
        }
    }
}
