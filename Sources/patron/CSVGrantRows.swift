import PatronStore

/// The grants of a CSV points import.
final class CSVGrantRows: ImportRowSource {
    private let records: CSVImportReader
    private let parser: GrantParser

    init(path: String, parser: GrantParser) throws {
        records = try CSVImportReader(path: path, required: ["external_id", "points"])
        self.parser = parser
    }

    func next() throws -> ImportRow<PointGrant>? {
        switch try records.next() {
        case .fields(let line): parser.row(line: line, records.field)
        case .refused(let line, let reason): .refused(line: line, reason: reason)
        case nil: nil
        }
    }
}
