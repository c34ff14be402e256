import PatronAnalytics

/// The rows of a CSV import, read by PatronAnalytics' RFC 4180 reader (the one CSV reader of Patron): quoted
/// commas, quotes and line breaks, a byte-order mark and LF, CRLF or CR line ends.
final class CSVGrantRows: GrantRowSource {
    private var reader: CSVReader
    private let columns: [String: Int]
    private let parser: GrantParser
    private var atEnd = false

    /// Opens the file and reads its header; a file without one has no rows.
    init(path: String, parser: GrantParser) throws {
        var reader: CSVReader
        do { reader = try CSVReader(path: path) } catch { throw CommandFailure(String(describing: error)) }
        let columns = try Self.readHeader(&reader)
        self.reader = reader
        self.columns = columns ?? [:]
        self.parser = parser
        self.atEnd = columns == nil
    }

    /// The position of each column by its name in lower case, or nil for an empty file.
    private static func readHeader(_ reader: inout CSVReader) throws -> [String: Int]? {
        do {
            guard try reader.advance() else { return nil }
        } catch {
            throw CommandFailure(String(describing: error))
        }
        var columns: [String: Int] = [:]
        for index in 0..<reader.fieldCount {
            let name = reader.fieldText(index).trimmedOfSpaces.lowercased()
            if columns[name] == nil { columns[name] = index }
        }
        guard columns["external_id"] != nil, columns["points"] != nil else {
            throw CommandFailure("the CSV header must name external_id and points columns")
        }
        return columns
    }

    func next() throws -> GrantRow? {
        while !atEnd {
            do {
                guard try reader.advance() else {
                    atEnd = true
                    return nil
                }
            } catch InputError.unexpectedCharacterAfterQuote {
                // The rest of that line is not this row's; the next row starts on the next line.
                let line = reader.recordLine
                do { try reader.skipRestOfLine() } catch { throw CommandFailure(String(describing: error)) }
                return .refused(
                    line: line, reason: "a closing quote must be followed by a comma or the end of the line")
            } catch InputError.unterminatedQuote(let line) {
                atEnd = true
                return .refused(line: line, reason: "a quoted field is not closed before the end of the file")
            } catch {
                throw CommandFailure(String(describing: error))
            }
            if reader.fieldCount == 1, reader.fieldText(0).trimmedOfSpaces.isEmpty { continue }
            return parser.row(line: reader.recordLine) { key in
                guard let index = columns[key], index < reader.fieldCount else { return nil }
                return reader.fieldText(index)
            }
        }
        return nil
    }
}
