import PatronAnalytics

/// The records of a CSV import file, read by PatronAnalytics' RFC 4180 reader (the one CSV reader of Patron):
/// quoted commas, quotes and line breaks, a byte-order mark and LF, CRLF or CR line ends. Blank lines are skipped.
final class CSVImportReader {
    /// A record read (its fields through ``field(_:)`` until the next call to ``next()``), or why it cannot be.
    enum Record {
        case fields(line: Int)
        case refused(line: Int, reason: String)
    }

    private var reader: CSVReader
    private let columns: [String: Int]
    private var atEnd = false

    /// Opens the file and reads its header, which must name every column of `required`; a file without a header
    /// has no records.
    init(path: String, required: [String]) throws {
        var reader: CSVReader
        do { reader = try CSVReader(path: path) } catch { throw CommandFailure(String(describing: error)) }
        do {
            atEnd = try !reader.advance()
        } catch {
            throw CommandFailure(String(describing: error))
        }
        var columns: [String: Int] = [:]
        if !atEnd {
            for index in 0..<reader.fieldCount {
                let name = reader.fieldText(index).trimmedOfSpaces.lowercased()
                if columns[name] == nil { columns[name] = index }
            }
            let missing = required.filter { columns[$0] == nil }
            guard missing.isEmpty else {
                throw CommandFailure("the CSV header must name the columns \(required.joined(separator: ", "))")
            }
        }
        self.reader = reader
        self.columns = columns
    }

    /// Whether the header names `column`.
    func has(_ column: String) -> Bool { columns[column] != nil }

    /// Whether the file has no header, and so no records.
    var isEmpty: Bool { columns.isEmpty }

    func next() throws -> Record? {
        while !atEnd {
            do {
                guard try reader.advance() else {
                    atEnd = true
                    return nil
                }
            } catch InputError.unexpectedCharacterAfterQuote {
                // The rest of that line is not this record's; the next record starts on the next line.
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
            return .fields(line: reader.recordLine)
        }
        return nil
    }

    /// The current record's field in the column named `column` (lower case), or nil when it has none.
    func field(_ column: String) -> String? {
        guard let index = columns[column], index < reader.fieldCount else { return nil }
        return reader.fieldText(index)
    }
}
