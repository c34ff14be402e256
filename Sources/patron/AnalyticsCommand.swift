import ArgumentParser
import PatronAnalytics

/// `patron analytics`: customer-base analytics over exported order files.
///
/// The subcommands only parse options, call `PatronAnalytics` (or the store, for `refit`, `segments` and `days`)
/// and write the results.
struct AnalyticsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "analytics",
        abstract:
            "Customer-base analytics: calibration summaries, BG/NBD + Gamma-Gamma lifetime value, RFM; refit, segments and the overview's daily sums on the stored orders.",
        subcommands: [Summary.self, LifetimeValue.self, RFM.self, Refit.self, Segments.self, Days.self]
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

extension AnalyticsCommand {
    /// The `--timings` flag shared by the subcommands.
    struct TimingOptions: ParsableArguments {
        @Flag(help: "Print the wall-clock time of each phase on standard error.")
        var timings = false
    }

    /// Measures consecutive phases of a command and reports them on one line of standard error.
    struct PhaseTimer {
        private let clock = ContinuousClock()
        private let isEnabled: Bool
        private let start: ContinuousClock.Instant
        private var phaseStart: ContinuousClock.Instant
        private var phases: [(name: String, duration: Duration)] = []

        init(isEnabled: Bool) {
            self.isEnabled = isEnabled
            start = clock.now
            phaseStart = start
        }

        /// Ends the current phase under `name` and starts the next one.
        mutating func lap(_ name: String) {
            guard isEnabled else { return }
            let now = clock.now
            phases.append((name, now - phaseStart))
            phaseStart = now
        }

        /// Prints `timings: read 0.123 s, fit 0.456 s, total 0.579 s` when enabled.
        func report() {
            guard isEnabled else { return }
            let total = phases.reduce(Duration.zero) { $0 + $1.duration }
            let fields = (phases + [("total", total)]).map { "\($0.name) \(Self.seconds($0.duration)) s" }
            TextOutput.printDiagnostic("timings: " + fields.joined(separator: ", "))
        }

        private static func seconds(_ duration: Duration) -> String {
            let milliseconds = Int(
                (Double(duration.components.seconds) * 1e3
                    + Double(duration.components.attoseconds) / 1e15).rounded())
            let fraction = String(milliseconds % 1000)
            return "\(milliseconds / 1000)." + String(repeating: "0", count: 3 - fraction.count) + fraction
        }
    }
}

extension TimeUnit: ExpressibleByArgument {}
