import ArgumentParser
import Foundation
import PatronCore
import PatronStore

struct ImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import", abstract: "Bulk imports.", subcommands: [Points.self])

    struct Points: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Grant points or opening balances from CSV or JSON lines, streamed.",
            discussion: """
                CSV (RFC 4180: quoted fields may hold commas, quotes and line breaks; a byte-order mark and CRLF
                line ends are fine) needs a header with external_id and points, and may have reason, grant_id and
                expires_at. JSON lines hold one object per line with the same keys. Unknown members are created.
                A row's grant_id (default: FILE:LINE, the line the row starts on) makes it idempotent: importing a
                file again grants nothing twice. Bad rows are reported one per line (to --errors FILE, else
                standard error) and skipped.
                """)

        @Argument(help: "A .csv or .jsonl file.") var file: String
        @Option(help: "csv or jsonl (default: from the file's extension).") var format: String?
        @Option(help: "Write the per-row error report here instead of standard error.") var errors: String?
        @Option(help: "Rows per transaction.") var batchSize = 1000
        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            let isJSON = (format ?? (file.hasSuffix(".jsonl") || file.hasSuffix(".json") ? "jsonl" : "csv")) == "jsonl"
            guard FileManager.default.isReadableFile(atPath: file) else { throw CommandFailure("cannot read \(file)") }
            let (file, errors) = (self.file, self.errors)
            let source = (file as NSString).lastPathComponent
            let batchSize = max(1, self.batchSize)
            let totals = try await database.withStore { store in
                let parser = GrantParser(source: source)
                let rows: any GrantRowSource
                if isJSON {
                    rows = try JSONGrantRows(path: file, parser: parser)
                } else {
                    rows = try CSVGrantRows(path: file, parser: parser)
                }
                var report = ErrorReport(path: errors)
                var totals = ImportTotals()
                // Rows read since the last batch went out: grants, and the rows that could not be read.
                var grants: [PointGrant] = []
                var unreadable: [ImportTotals.Refusal] = []
                // One batch is written while the next is read: batches still apply one after another, in order.
                var writing: Task<ImportTotals, any Error>?
                func settle() async throws {
                    guard let task = writing else { return }
                    writing = nil
                    let batch = try await task.value
                    for refusal in batch.refusals { report.write("line \(refusal.line): \(refusal.reason)") }
                    totals.add(batch)
                }
                func flush() async throws {
                    try await settle()
                    let (batch, unread) = (grants, unreadable)
                    writing = Task {
                        let outcomes =
                            batch.isEmpty ? [] : try await store.importGrants(batch, actor: "import \(source)")
                        return ImportTotals(batch, outcomes, unreadable: unread)
                    }
                    grants.removeAll(keepingCapacity: true)
                    unreadable.removeAll(keepingCapacity: true)
                }
                while let row = try rows.next() {
                    switch row {
                    case .grant(let grant): grants.append(grant)
                    case .refused(let line, let reason): unreadable.append(.init(line: line, reason: reason))
                    }
                    if grants.count + unreadable.count >= batchSize { try await flush() }
                }
                if !grants.isEmpty || !unreadable.isEmpty { try await flush() }
                try await settle()
                return totals
            }
            print(
                "Granted \(totals.granted) rows; \(totals.duplicate) already imported; \(totals.refused) refused.")
            // Every good row is in; a non-zero exit still tells a script that some were not.
            if totals.refused > 0 { throw ExitCode(2) }
        }
    }
}
