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
                var totals = (granted: 0, duplicate: 0, refused: 0)
                var batch: [PointGrant] = []
                func flush() async throws {
                    let outcomes = try await store.importGrants(batch, actor: "import \(source)")
                    for (grant, outcome) in zip(batch, outcomes) {
                        switch outcome {
                        case .granted: totals.granted += 1
                        case .duplicate: totals.duplicate += 1
                        case .refused(let reason):
                            totals.refused += 1
                            report.write("line \(grant.line): \(reason)")
                        }
                    }
                    batch.removeAll(keepingCapacity: true)
                }
                var lineNumber = 0
                while let line = lines.next() {
                    lineNumber += 1
                    switch parser.parse(line, number: lineNumber) {
                    case .skip: continue
                    case .grant(let grant): batch.append(grant)
                    case .error(let message):
                        totals.refused += 1
                        report.write("line \(lineNumber): \(message)")
                    }
                    if batch.count >= batchSize { try await flush() }
                }
                if !batch.isEmpty { try await flush() }
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
        if line.trimmingCharacters(in: .whitespaces).isEmpty { return .skip }
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
        guard let externalID = field("external_id")?.trimmingCharacters(in: .whitespaces), !externalID.isEmpty else {
            return .error("external_id is missing")
        }
        guard let text = field("points"), let points = Int64(text.trimmingCharacters(in: .whitespaces)), points != 0,
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
