import ArgumentParser
import Foundation
import PatronCore
import PatronStore

struct ImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import", abstract: "Bulk imports.",
        subcommands: [Points.self, Orders.self, Consents.self, Feedback.self, SurveyAnswers.self])

    /// The options every import takes.
    struct FileOptions: ParsableArguments {
        @Argument(help: "A .csv or .jsonl file.") var file: String
        @Option(help: "csv or jsonl (default: from the file's extension).") var format: String?
        @Option(help: "Write the per-row error report here instead of standard error.") var errors: String?
        @Option(help: "Rows (orders, for an order import) per transaction; default 1000 grants or 10000 orders.")
        var batchSize: Int?

        var isJSON: Bool {
            (format ?? (file.hasSuffix(".jsonl") || file.hasSuffix(".json") ? "jsonl" : "csv")) == "jsonl"
        }

        /// The file's name, for default ids and reasons.
        var source: String { (file as NSString).lastPathComponent }

        func validate() throws {
            guard format == nil || format == "csv" || format == "jsonl" else {
                throw ValidationError("--format must be csv or jsonl")
            }
            guard FileManager.default.isReadableFile(atPath: file) else { throw CommandFailure("cannot read \(file)") }
        }

        func batches<Item>(of size: Int) -> BatchedImport<Item> {
            BatchedImport(batchSize: max(1, batchSize ?? size), errors: errors)
        }
    }

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

        @OptionGroup var options: FileOptions
        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            let options = self.options
            let totals = try await database.withStore { store in
                let parser = GrantParser(source: options.source)
                let rows: any ImportRowSource<PointGrant> =
                    if options.isJSON {
                        try JSONGrantRows(path: options.file, parser: parser)
                    } else {
                        try CSVGrantRows(path: options.file, parser: parser)
                    }
                return try await options.batches(of: 1_000).run(rows, line: \.line) { grants in
                    try await store.importGrants(grants, actor: "import \(options.source)")
                }
            }
            print("Granted \(totals.applied) rows; \(totals.duplicate) already imported; \(totals.refused) refused.")
            // Every good row is in; a non-zero exit still tells a script that some were not.
            if totals.refused > 0 { throw ExitCode(2) }
        }
    }

    struct Orders: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Record past orders as history, from CSV or JSON lines, streamed.",
            discussion: """
                JSON lines hold one order per line, as the body of POST /v1/orders. CSV (RFC 4180) has one row per
                line item and a header naming order_id, occurred_at, currency, sku, quantity, unit_price_minor,
                total_minor and member_id or external_id; it may name channel, store_id, discount_minor and
                shipping_minor (order-level, read from an order's first row), and name, category and
                line_discount_minor. The rows of one order are consecutive. Members are named by member_id or
                external_id (created when unknown). Orders are validated as the API validates them and are
                idempotent on order_id: importing a file again records nothing twice. They become history: tiers
                and analytics count them; they earn no points. Bad orders are reported by the line they start on
                (to --errors FILE, else standard error) and skipped.
                """)

        @OptionGroup var options: FileOptions
        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            let options = self.options
            let totals = try await database.withStore { store in
                let parser = OrderParser(now: store.clock.now)
                let rows: any ImportRowSource<ImportedOrder> =
                    if options.isJSON {
                        try JSONOrderRows(path: options.file, parser: parser)
                    } else {
                        try CSVOrderRows(path: options.file, parser: parser)
                    }
                // Larger than for grants: an order writes more rows, and each commit rewrites the index pages it touched.
                return try await options.batches(of: 10_000).run(rows, line: \.line) { orders in
                    try await store.importOrders(orders)
                }
            }
            print("Recorded \(totals.applied) orders; \(totals.duplicate) already recorded; \(totals.refused) refused.")
            if totals.refused > 0 { throw ExitCode(2) }
        }
    }

    struct Consents: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Record members' existing consents from CSV, streamed.",
            discussion: """
                CSV (RFC 4180) with a header naming external_id, purpose and state; it may name channel (required
                for marketing), source (default import), policy_version, given_at (RFC 3339; default now) and
                evidence. Each row is one statement, checked as PUT /v1/members/{id}/consents checks it; unknown
                members are created. A statement that repeats the one in force is skipped, so importing a file
                again records nothing; an older statement than the one in force joins the history only. Bad rows
                are reported by line (to --errors FILE, else standard error) and skipped.
                """)

        @OptionGroup var options: FileOptions
        @OptionGroup var database: DatabaseOptions

        func validate() throws {
            if options.isJSON { throw CommandFailure("consents are imported from CSV") }
        }

        func run() async throws {
            let options = self.options
            let totals = try await database.withStore { store in
                let rows = try CSVConsentRows(path: options.file, now: store.clock.now)
                return try await options.batches(of: 1_000).run(rows, line: \.line) { statements in
                    try await store.importConsents(statements, actor: "import \(options.source)")
                }
            }
            print(
                "Recorded \(totals.applied) statements; \(totals.duplicate) already in force; \(totals.refused) refused."
            )
            if totals.refused > 0 { throw ExitCode(2) }
        }
    }

    struct Feedback: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Record past feedback from CSV or JSON lines, streamed.",
            discussion: """
                JSON lines hold one object per line, as the body of POST /v1/feedback, where external_id may name
                the member instead of member_id. CSV (RFC 4180) has a header naming feedback_id and channel, and any
                of member_id or external_id, rating, score, text, language, tags (separated by |), store_id,
                order_id, submitted_at (RFC 3339) and contact_name, contact_email, contact_phone. Each row is checked
                as the API checks feedback and assessed as it is; unknown external ids become members. Imported
                feedback is history: it opens no tickets. It is idempotent on feedback_id: importing a file again
                records nothing twice. Bad rows are reported by line (to --errors FILE, else standard error) and
                skipped.
                """)

        @OptionGroup var options: FileOptions
        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            let options = self.options
            let totals = try await database.withStore { store in
                let parser = FeedbackParser(now: store.clock.now)
                let rows: any ImportRowSource<ImportedFeedback> =
                    if options.isJSON {
                        try JSONFeedbackRows(path: options.file, parser: parser)
                    } else {
                        try CSVFeedbackRows(path: options.file, parser: parser)
                    }
                return try await options.batches(of: 1_000).run(rows, line: \.line) { items in
                    try await store.importFeedback(items)
                }
            }
            print("Recorded \(totals.applied) items; \(totals.duplicate) already recorded; \(totals.refused) refused.")
            if totals.refused > 0 { throw ExitCode(2) }
        }
    }

    struct SurveyAnswers: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "survey-answers",
            abstract: "Record answers to survey invitations collected elsewhere (paper, a kiosk), from CSV.",
            discussion: """
                CSV (RFC 4180) with a header naming invitation_id and value, and optionally comment and answered_at
                (RFC 3339; default now). Each answer is taken as the answer page takes it at that time — on the
                question's scale, once, before the link expired, not from an erased member — and becomes survey
                feedback. The same answer again is a duplicate; bad rows are reported by line and skipped.
                """)

        @OptionGroup var options: FileOptions
        @OptionGroup var database: DatabaseOptions

        func validate() throws {
            if options.isJSON { throw CommandFailure("survey answers are imported from CSV") }
        }

        func run() async throws {
            let options = self.options
            let totals = try await database.withStore { store in
                try await options.batches(of: 500).run(try CSVSurveyAnswerRows(path: options.file), line: \.line) {
                    try await store.importSurveyAnswers($0)
                }
            }
            print(
                "Recorded \(totals.applied) answers; \(totals.duplicate) already recorded; \(totals.refused) refused.")
            if totals.refused > 0 { throw ExitCode(2) }
        }
    }
}
