import ArgumentParser
import Foundation
import PatronCore
import PatronServer
import PatronStore

struct PrivacyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "privacy", abstract: "A member's rights over their data: exports, erasure, and their record.",
        subcommands: [Export.self, Erase.self, Requests.self, Retention.self])

    struct Export: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write everything held about a member, as JSON (to standard output or --output) or a zip of CSVs."
        )
        @Argument(help: "The member's id (mem_…).") var memberID: String
        @Option(help: "json or zip (zip needs --output).") var format = "json"
        @Option(help: "The file to write; standard output when left out.") var output: String?
        @OptionGroup var database: DatabaseOptions

        func validate() throws {
            guard format == "json" || format == "zip" else { throw CommandFailure("--format must be json or zip") }
            if format == "zip", output == nil { throw CommandFailure("--format zip needs --output FILE") }
        }

        func run() async throws {
            let memberID = memberID
            let (export, request) = try await database.withStore { store in
                let done = try await consoleErrors {
                    try await store.exportMember(memberID, handledBy: consoleActor, at: store.clock.now)
                }
                try await auditFromConsole(store, action: "exportMember", objectIDs: [memberID])
                return done
            }
            let bytes =
                format == "zip"
                ? try MemberExportFiles.zip(export, requestID: request.id)
                : try MemberExportFiles.json(export, requestID: request.id)
            guard let output else {
                FileHandle.standardOutput.write(Data(bytes + [0x0a]))
                return
            }
            guard
                FileManager.default.createFile(
                    atPath: output, contents: Data(bytes), attributes: [.posixPermissions: 0o600])
            else { throw CommandFailure("could not write \(output)") }
            print("Wrote \(output) (\(bytes.count) bytes); request \(request.id).")
        }
    }

    struct Erase: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Erase a member: destroy their key and identities, keep their orders and points without anything "
                + "that names them. Erasing again prints the first erasure.")
        @Argument(help: "The member's id (mem_…).") var memberID: String
        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            let memberID = memberID
            let (request, erasedNow) = try await database.withStore { store in
                let done = try await consoleErrors {
                    try await store.eraseMember(memberID, handledBy: consoleActor, at: store.clock.now)
                }
                if done.erasedNow { try await auditFromConsole(store, action: "eraseMember", objectIDs: [memberID]) }
                return done
            }
            let counts = request.outcome.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }
            print(
                erasedNow
                    ? "Erased \(memberID) (request \(request.id)): deleted " + counts.joined(separator: ", ") + "."
                    : "\(memberID) was erased at \(request.completedAt?.rfc3339 ?? "-") (request \(request.id)).")
        }
    }

    struct Requests: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List privacy requests, newest first.")
        @Option(help: "Only this member's requests.") var member: String?
        @Option(help: "At most this many (1–500).") var limit = 50
        @OptionGroup var database: DatabaseOptions

        func validate() throws {
            guard (1...500).contains(limit) else { throw CommandFailure("--limit must be from 1 to 500") }
        }

        func run() async throws {
            let (member, limit) = (member, limit)
            let page = try await database.withStore {
                try await $0.privacyRequests(memberID: member, after: nil, limit: limit)
            }
            print("request_id\tkind\tmember_id\tstate\treceived_at\tdue_at\tcompleted_at\thandled_by")
            for request in page.items {
                print(
                    [
                        request.id, request.kind.rawValue, request.memberID, request.state.rawValue,
                        request.receivedAt.rfc3339, request.dueAt.rfc3339, request.completedAt?.rfc3339 ?? "-",
                        request.handledBy,
                    ].joined(separator: "\t"))
            }
        }
    }
}

extension PrivacyCommand {
    struct Retention: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Apply the program's retention policy as of --as-of: delete old events, anonymise inactive members, "
                + "sum old order lines into monthly totals. Running it twice changes nothing more.")
        @Option(help: AsOf.help) var asOf: String?
        @Flag(help: "Count what would be done; change nothing.") var dryRun = false
        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            let (asOf, dryRun) = (asOf, dryRun)
            let report = try await database.withStore { store in
                let report = try await store.applyRetention(
                    asOf: try await AsOf.parse(asOf, store: store), dryRun: dryRun)
                if !dryRun { try await auditFromConsole(store, action: "applyRetention", objectIDs: []) }
                return report
            }
            print(Self.lines(report).joined(separator: "\n"))
        }

        static func lines(_ report: RetentionReport) -> [String] {
            let verb = report.dryRun ? "would be" : "were"
            func kept(_ cutoff: Timestamp?, _ text: (String) -> String) -> String {
                cutoff.map { text($0.rfc3339) } ?? "kept for ever"
            }
            return [
                "Retention as of \(report.asOf.rfc3339)\(report.dryRun ? " (dry run: nothing changed)" : ""):",
                "  events: "
                    + kept(report.eventsBefore) { "\(report.eventsDeleted) from before \($0) \(verb) deleted" },
                "  members: "
                    + kept(report.membersInactiveSince) {
                        "\(report.membersAnonymised) inactive since \($0) \(verb) anonymised"
                    },
                "  order lines: "
                    + kept(report.orderLinesBefore) {
                        "\(report.linesSummarised) lines of \(report.ordersSummarised) orders from before \($0) \(verb) "
                            + "summed into monthly totals"
                    },
                "  feedback: "
                    + kept(report.feedbackBefore) {
                        "\(report.feedbackTextsRemoved) items from before \($0) \(verb) stripped of their text and contact"
                    },
            ]
        }
    }
}

/// Who acts at the console, as the audit log names them.
private var consoleActor: String { "console:" + ProcessInfo.processInfo.userName }

/// Member refusals as one line each.
private func consoleErrors<Result>(_ body: () async throws -> Result) async throws -> Result {
    do {
        return try await body()
    } catch MemberError.notFound(let memberID) {
        throw CommandFailure("no member with id '\(memberID)'")
    } catch MemberError.erased(let memberID) {
        throw CommandFailure("member \(memberID) was erased")
    }
}
