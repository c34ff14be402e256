import ArgumentParser
import Foundation
import PatronAnalytics
import PatronCore
import PatronServer
import PatronStore

extension AnalyticsCommand {
    /// `patron analytics refit`: fits BG/NBD + Gamma-Gamma to the stored orders and stores the parameters.
    struct Refit: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "refit",
            abstract: "Fit the lifetime-value models to the stored orders and print the parameters as JSON.",
            discussion: """
                Skipped (the stored fit is printed) when no order was added since the last fit for the same day.
                """
        )

        @Option(help: "The last day of orders to fit (YYYY-MM-DD, in the program's time zone; default: today).")
        var asOf: String?

        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            let day = try asOf.map(Self.parseDay)
            let (fit, refitted) = try await database.withStore { store in
                let asOf = try await Self.orToday(day, store: store)
                do {
                    return try await store.refitModels(asOf: asOf)
                } catch let error as AnalyticsError {
                    throw CommandFailure(error.description)
                }
            }
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            print(String(decoding: try encoder.encode(ModelFitResource(fit: fit)), as: UTF8.self))
            TextOutput.printDiagnostic(
                refitted
                    ? "fitted \(fit.customers) customers (\(fit.repeatCustomers) repeat) through \(fit.calibrationEnd.isoString)"
                    : "no order was added since fit \(fit.fitID); it is unchanged")
        }

        static func parseDay(_ text: String) throws -> PatronCore.CalendarDate {
            guard let day = PatronCore.CalendarDate(iso: text) else {
                throw CommandFailure("--as-of must be a date as YYYY-MM-DD, not '\(text)'")
            }
            return day
        }

        static func orToday(_ day: PatronCore.CalendarDate?, store: Store) async throws -> PatronCore.CalendarDate {
            if let day { return day }
            return try await store.program().program.utcOffset.date(of: store.clock.now)
        }
    }

    /// `patron analytics days`: sums the days that are over for the dashboard's overview, as `patron serve` does at
    /// every job interval; after a large import it saves the first page view the wait.
    struct Days: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "days",
            abstract: "Sum the days that are over for the dashboard's overview and print how many were summed.",
            discussion: """
                Only days changed since the last run (late orders, refunds of past orders) are summed again; \
                `patron serve` does the same at every job interval.
                """
        )

        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            let days = try await database.withStore { try await $0.refreshActivityRollups() }
            print(days)
        }
    }

    /// `patron analytics segments`: RFM segment and lifecycle-stage counts of the stored orders, exactly as
    /// `GET /v1/analytics/rfm` computes them.
    struct Segments: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "segments",
            abstract: "Count the stored customers per RFM segment and lifecycle stage, as JSON."
        )

        @Option(help: "The day scored (YYYY-MM-DD, in the program's time zone; default: today).")
        var referenceDate: String?

        @OptionGroup var database: DatabaseOptions
        @OptionGroup var timing: TimingOptions

        func run() async throws {
            let day = try referenceDate.map(Refit.parseDay)
            let timings = timing.timings
            let base = try await database.withStore { store in
                let referenceDate = try await Refit.orToday(day, store: store)
                var timer = PhaseTimer(isEnabled: timings)
                let base = try await store.customerBase(referenceDate: referenceDate)
                timer.lap("aggregate in SQL, RFM and lifecycle")
                timer.report()
                return base
            }
            let segments = base.segmentCounts
            let stages = base.stageCounts
            let segmentFields = RFMSegment.allCases.map { "\"\($0.rawValue)\": \(segments[$0] ?? 0)" }
            let stageFields = LifecycleStage.allCases.map { stage in
                "\"\(stage == .atRisk ? "at_risk" : stage.rawValue)\": \(stages[stage] ?? 0)"
            }
            print(
                "{\"reference_date\": \"\(base.referenceDate.isoString)\", \"customers\": \(base.customers), "
                    + "\"model_fitted\": \(base.fit != nil), "
                    + "\"segments\": {\(segmentFields.joined(separator: ", "))}, "
                    + "\"lifecycle_stages\": {\(stageFields.joined(separator: ", "))}}")
        }
    }
}
