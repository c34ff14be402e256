import ArgumentParser
import PatronAnalytics

extension AnalyticsCommand {
    /// `patron analytics clv`: fits BG/NBD and Gamma-Gamma and optionally writes per-customer predictions.
    struct LifetimeValue: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "clv",
            abstract: "Fit BG/NBD + Gamma-Gamma; print the parameters as JSON and optionally write predictions."
        )

        @Option(help: "Transactions CSV file (needs --calibration-end).")
        var transactions: String?

        @OptionGroup var columns: TransactionColumnOptions

        @Option(help: "Summary CSV file with customer_id,frequency,recency,T,monetary_value.")
        var summary: String?

        @Option(help: "Last day of the calibration period (YYYY-MM-DD), for --transactions.")
        var calibrationEnd: String?

        @Option(help: "Time unit of the data: week or day.")
        var unit: TimeUnit = .week

        @Option(help: "Horizon of expected_purchases, in the time unit.")
        var horizon: Double = 39

        @Option(help: "Months of discounted lifetime value.")
        var months: Int = 12

        @Option(help: "Monthly discount rate of the lifetime value.")
        var discountRate: Double = 0.01

        @Option(help: "Write customer_id,expected_purchases,p_alive,expected_spend,clv to this CSV file.")
        var predictions: String?

        @OptionGroup var timing: TimingOptions

        func validate() throws {
            guard (transactions == nil) != (summary == nil) else {
                throw ValidationError("give exactly one of --transactions or --summary")
            }
            if transactions != nil, calibrationEnd == nil {
                throw ValidationError("--transactions needs --calibration-end")
            }
            guard horizon >= 0, months >= 0, discountRate > -1 else {
                throw ValidationError("--horizon and --months must not be negative and --discount-rate must exceed -1")
            }
        }

        func run() async throws {
            var timer = PhaseTimer(isEnabled: timing.timings)
            let customers = try loadCustomers()
            timer.lap("read")
            AnalyticsCommand.progress(
                "fitting BG/NBD and Gamma-Gamma to \(customers.count) customers", count: customers.count)
            let purchases = try BGNBDModel.fit(customers)
            timer.lap("fit_bgnbd")
            let spend = try GammaGammaModel.fit(customers)
            timer.lap("fit_gamma_gamma")
            let fit = CustomerBaseFit(purchases: purchases, spend: spend)
            try TextOutput.printLine(fit.json)
            if let predictions {
                AnalyticsCommand.progress("writing predictions to \(predictions)", count: customers.count)
                let settings = LifetimeValueSettings(
                    horizon: horizon, months: months, monthlyDiscountRate: discountRate, unit: unit)
                let rows = fit.predictions(for: customers, settings: settings)
                try AnalyticsCommand.writeCSV(
                    header: CustomerPrediction.csvHeader, rows: rows.lazy.map(\.csvFields), to: predictions)
                timer.lap("predictions")
            }
            timer.report()
        }

        private func loadCustomers() throws -> [CustomerSummary] {
            if let summary {
                return try CustomerSummaryFile.read(path: summary)
            }
            guard let transactions, let calibrationEnd else { return [] }
            let end = try AnalyticsCommand.parseDate(calibrationEnd, option: "--calibration-end")
            let records = try TransactionFile.read(path: transactions, columns: columns.columns)
            return CustomerSummary.summaries(from: records, calibrationEnd: end, unit: unit)
        }
    }
}
