import ArgumentParser
import Foundation
import PatronAnalytics

/// `patron topics`: what a file of feedback talks about — a taxonomy's topics and phrases found in the texts —
/// with each topic's sentiment, and its change against the period before when the rows are dated.
struct TopicsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "topics",
        abstract:
            "Count the topics of a CSV file's texts, with their sentiment and their change against the period before."
    )

    @OptionGroup var input: SentimentCommand.InputOptions

    @Option(help: "Column holding each row's date (YYYY-MM-DD or RFC 3339); needed for --from and --to.")
    var dateColumn: String?

    @Option(help: "First day of the period (YYYY-MM-DD); the period before is as long and ends where it starts.")
    var from: String?

    @Option(help: "Day after the period (YYYY-MM-DD).")
    var to: String?

    @Option(
        help:
            "A taxonomy file (JSON: {\"topics\": [{\"id\", \"name_zh\", \"name_en\", \"keywords\"}]}). Default: built in."
    )
    var taxonomy: String?

    @Option(help: "A sentiment model file. Default: the built-in model.")
    var model: String?

    @Option(help: "Write the CSV here instead of standard output.")
    var output: String?

    func run() async throws {
        let period = try self.period()
        let finder = TopicFinder(taxonomy: try loadTaxonomy(), model: try SentimentCommand.model(at: model))
        var reader = try CSVReader(path: input.input)
        guard let headerRecord = try reader.nextRecord() else { throw InputError.emptyFile(path: input.input) }
        let header = CSVHeader(headerRecord.fields)
        let textIndex = try header.index(of: input.textColumn)
        let dateIndex = try dateColumn.map { try header.index(of: $0) }
        var current: [String] = []
        var previous: [String] = []
        var rowsRead = 0
        while let record = try reader.nextRecord() {
            for (index, column) in [(textIndex, input.textColumn), (dateIndex, dateColumn)]
            where index.map({ $0 >= record.fields.count }) ?? false {
                throw InputError.missingField(column: column ?? "", line: record.lineNumber)
            }
            rowsRead += 1
            if rowsRead % 100_000 == 0 { TextOutput.printDiagnostic("\(rowsRead) rows") }
            let text = record.fields[textIndex]
            guard let period, let dateIndex else {
                current.append(text)
                continue
            }
            guard let date = CalendarDate(parsing: record.fields[dateIndex].prefix(10)) else {
                throw InputError.invalidDate(
                    value: record.fields[dateIndex], column: dateColumn ?? "", line: record.lineNumber)
            }
            if period.current.contains(date) { current.append(text) }
            if period.previous.contains(date) { previous.append(text) }
        }
        let rows = finder.table(current, previous: period == nil ? nil : previous)
        try AnalyticsCommand.writeCSV(header: TopicRow.csvHeader, rows: rows.map(\.csvFields), to: output)
    }

    private func period() throws -> (current: Range<CalendarDate>, previous: Range<CalendarDate>)? {
        guard from != nil || to != nil else { return nil }
        guard let from, let to else { throw CommandFailure("--from and --to go together") }
        guard dateColumn != nil else { throw CommandFailure("--from and --to need --date-column") }
        guard let start = CalendarDate(parsing: from), let end = CalendarDate(parsing: to), start < end else {
            throw CommandFailure("--from and --to must be dates (YYYY-MM-DD), --from the earlier")
        }
        let before = CalendarDate(daysSinceEpoch: start.daysSinceEpoch - start.days(to: end))
        return (start..<end, before..<start)
    }

    private func loadTaxonomy() throws -> TopicTaxonomy {
        guard let taxonomy else { return .standard }
        do {
            return try JSONDecoder().decode(TopicTaxonomy.self, from: Data(contentsOf: URL(fileURLWithPath: taxonomy)))
        } catch {
            throw CommandFailure("\(taxonomy) is not a taxonomy file: \(SentimentModel.describe(error))")
        }
    }
}

extension TopicRow {
    static let csvHeader = [
        "topic", "name_zh", "name_en", "kind", "mentions", "share", "previous_mentions", "share_change_points",
        "positive", "neutral", "negative", "mean_score", "examples",
    ]

    var csvFields: [String] {
        [
            topic, nameZH, nameEN, kind.rawValue, String(mentions), String(format: "%.4f", share),
            previousMentions.map(String.init) ?? "", shareChange.map { String(format: "%+.1f", $0) } ?? "",
            String(positive), String(neutral), String(negative), String(format: "%.3f", meanScore),
            examples.joined(separator: " | "),
        ]
    }
}
