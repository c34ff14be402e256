import ArgumentParser
import Foundation
import PatronCore
import PatronStore

struct TicketsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tickets", abstract: "Service tickets.", subcommands: [SLA.self])

    struct SLA: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "sla",
            abstract:
                "Mark every warning and missed target due by --as-of, as the server does at each one's time (after "
                + "the server was stopped, or to see what a day would have done); each fires once, however often "
                + "this runs.")
        @Option(help: AsOf.help) var asOf: String?
        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            let asOf = asOf
            let (fired, instant) = try await database.withStore { store in
                let instant = try await AsOf.parse(asOf, store: store)
                return (try await store.fireDeadlines(asOf: instant), instant)
            }
            let warnings = fired.count { $0.kind == .warning }
            let missed = fired.filter { $0.kind == .breach }
            let tickets = Set(missed.map(\.ticketID)).count
            print(
                "As of \(instant.rfc3339): \(warnings) warnings, \(missed.count) missed targets on \(tickets) tickets "
                    + "(escalated to the supervisors).")
        }
    }
}
