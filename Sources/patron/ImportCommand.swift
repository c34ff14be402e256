import ArgumentParser
import Foundation
import PatronCore
import PatronStore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

struct ImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import", abstract: "Bulk imports.", subcommands: [Points.self])

    struct Points: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Grant points or opening balances from CSV or JSON lines, streamed.",
            discussion: """
                CSV needs a header with external_id and points, and may have reason, grant_id and expires_at.
                JSON lines hold one object per line with the same keys. Unknown members are created. A row's
                grant_id (default: FILE:LINE) makes it idempotent: importing a file again grants nothing twice.
                Bad rows are reported one per line (to --errors FILE, else standard error) and skipped.
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
                guard let lines = LineReader(path: file) else { throw CommandFailure("cannot open \(file)") }
                var report = ErrorReport(path: errors)
                var parser = GrantParser(isJSON: isJSON, source: source)
                var totals = ImportTotals()
                // Rows read since the last batch went out: grants, and the lines that could not be read.
                var grants: [PointGrant] = []
                var unreadable: [Refusal] = []
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
                var lineNumber = 0
                while let line = lines.next() {
                    lineNumber += 1
                    switch parser.parse(line, number: lineNumber) {
                    case .skip: continue
                    case .grant(let grant): grants.append(grant)
                    case .error(let message): unreadable.append(Refusal(line: lineNumber, reason: message))
                    }
                    if grants.count + unreadable.count >= batchSize { try await flush() }
                }
                if !grants.isEmpty || !unreadable.isEmpty { try await flush() }
                try await settle()
                if let problem = parser.headerProblem { throw CommandFailure(problem) }
                return totals
            }
            print(
                "Granted \(totals.granted) rows; \(totals.duplicate) already imported; \(totals.refused) refused.")
            // Every good row is in; a non-zero exit still tells a script that some were not.
            if totals.refused > 0 { throw ExitCode(2) }
        }
    }
}

/// A row that did not apply, for the error report.
struct Refusal: Sendable {
    let line: Int
    let reason: String
}

/// What an import (or one batch of it) did; a batch's refusals are in line order.
struct ImportTotals: Sendable {
    var granted = 0
    var duplicate = 0
    var refused = 0
    var refusals: [Refusal] = []

    init() {}

    init(_ grants: [PointGrant], _ outcomes: [GrantOutcome], unreadable: [Refusal]) {
        var refusals = unreadable
        for (grant, outcome) in zip(grants, outcomes) {
            switch outcome {
            case .granted: granted += 1
            case .duplicate: duplicate += 1
            case .refused(let reason): refusals.append(Refusal(line: grant.line, reason: reason))
            }
        }
        self.refusals = refusals.sorted { $0.line < $1.line }
        refused = refusals.count
    }

    /// Adds a batch's counts (its refusals are reported, not kept).
    mutating func add(_ batch: ImportTotals) {
        granted += batch.granted
        duplicate += batch.duplicate
        refused += batch.refused
    }
}

/// Reads a file line by line without holding it in memory.
final class LineReader: Sequence, IteratorProtocol {
    private let file: UnsafeMutablePointer<FILE>
    private var buffer: UnsafeMutablePointer<CChar>?
    private var capacity = 0

    init?(path: String) {
        guard let file = fopen(path, "r") else { return nil }
        self.file = file
    }

    deinit {
        fclose(file)
        free(buffer)
    }

    func next() -> String? {
        let count = getline(&buffer, &capacity, file)
        guard count >= 0, let buffer else { return nil }
        var line = String(cString: buffer)
        while line.hasSuffix("\n") || line.hasSuffix("\r") { line.removeLast() }
        return line
    }
}

/// Where refused rows are reported.
struct ErrorReport {
    private var handle: FileHandle

    init(path: String?) {
        if let path, FileManager.default.createFile(atPath: path, contents: nil),
            let handle = FileHandle(forWritingAtPath: path)
        {
            self.handle = handle
        } else {
            self.handle = .standardError
        }
    }

    mutating func write(_ line: String) {
        handle.write(Data((line + "\n").utf8))
    }
}

/// Turns lines of CSV (after its header) or JSON lines into grants.
struct GrantParser {
    enum Row {
        case skip
        case grant(PointGrant)
        case error(String)
    }

    let isJSON: Bool
    let source: String
    private var columns: [String: Int]?
    private(set) var headerProblem: String?

    init(isJSON: Bool, source: String) {
        self.isJSON = isJSON
        self.source = source
    }

    mutating func parse(_ line: String, number: Int) -> Row {
        if line.trimmedOfSpaces.isEmpty { return .skip }
        if isJSON {
            guard let data = line.data(using: .utf8),
                let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
            else { return .error("not a JSON object") }
            return grant(number: number) { key in
                switch object[key] {
                case let text as String: text
                case let number as NSNumber: number.stringValue
                default: nil
                }
            }
        }
        let fields = CSVLine.split(line)
        guard let columns else {
            let names = fields.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
            columns = Dictionary(names.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
            if columns?["external_id"] == nil || columns?["points"] == nil {
                headerProblem = "the CSV header must name external_id and points columns"
                columns = [:]
            }
            return .skip
        }
        guard headerProblem == nil else { return .skip }
        return grant(number: number) { key in columns[key].flatMap { $0 < fields.count ? fields[$0] : nil } }
    }

    private func grant(number: Int, _ field: (String) -> String?) -> Row {
        guard let externalID = field("external_id")?.trimmedOfSpaces, !externalID.isEmpty else {
            return .error("external_id is missing")
        }
        guard let text = field("points"), let points = Int64(text.trimmedOfSpaces), points != 0,
            abs(points) <= 1_000_000_000
        else { return .error("points must be a whole number other than 0 (at most 1,000,000,000)") }
        var expiresAt: Timestamp?
        if let text = field("expires_at"), !text.isEmpty {
            guard let instant = Timestamp(rfc3339: text) else { return .error("expires_at must be RFC 3339") }
            expiresAt = instant
        }
        let grantID = field("grant_id").flatMap { $0.isEmpty ? nil : $0 } ?? "\(source):\(number)"
        let reason = field("reason").flatMap { $0.isEmpty ? nil : $0 } ?? "imported from \(source)"
        return .grant(
            PointGrant(
                line: number, externalID: externalID, points: points, reason: reason, grantID: grantID,
                expiresAt: expiresAt))
    }
}

extension String {
    /// Without leading and trailing spaces and tabs. Native: Foundation's trimming bridges every call.
    var trimmedOfSpaces: String {
        let isSpace = { (character: Character) in character == " " || character == "\t" }
        guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else {
            return ""
        }
        return String(self[first...last])
    }
}

/// Splits one CSV line: commas separate, double quotes enclose, `""` is a quote.
enum CSVLine {
    static func split(_ line: String) -> [String] {
        var fields: [String] = []
        var field = ""
        var quoted = false
        var iterator = line.makeIterator()
        while let character = iterator.next() {
            if quoted {
                if character == "\"" {
                    if let following = iterator.next() {
                        if following == "\"" {
                            field.append("\"")
                        } else {
                            quoted = false
                            if following == "," {
                                fields.append(field)
                                field = ""
                            } else {
                                field.append(following)
                            }
                        }
                    } else {
                        quoted = false
                    }
                } else {
                    field.append(character)
                }
            } else if character == "\"" {
                quoted = true
            } else if character == "," {
                fields.append(field)
                field = ""
            } else {
                field.append(character)
            }
        }
        fields.append(field)
        return fields
    }
}
