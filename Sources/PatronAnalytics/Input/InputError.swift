/// Why an input file could not be read; each case carries the line it concerns.
public enum InputError: Error, Hashable, CustomStringConvertible {
    /// The file could not be opened.
    case cannotOpen(path: String, reason: String)
    /// Reading failed part-way.
    case readFailed(path: String, reason: String)
    /// The file has no header line.
    case emptyFile(path: String)
    /// A quoted field is still open at the end of the file.
    case unterminatedQuote(line: Int)
    /// Something other than a separator or line end follows a closing quote.
    case unexpectedCharacterAfterQuote(line: Int)
    /// A required column is not in the header.
    case missingColumn(name: String, available: [String])
    /// A record has fewer fields than the header.
    case missingField(column: String, line: Int)
    /// A date field is not YYYY-MM-DD, YYYYMMDD or an RFC 3339 timestamp.
    case invalidDate(value: String, column: String, line: Int)
    /// A numeric field is not a finite number.
    case invalidNumber(value: String, column: String, line: Int)
    /// A summary row's values are inconsistent with each other.
    case invalidSummary(reason: String, line: Int)
    /// The customer identifier is empty (or only spaces), so the row belongs to nobody.
    case emptyCustomerID(column: String, line: Int)
    /// A transaction amount is below zero; returns are not purchases (see docs/analytics.md).
    case negativeAmount(value: String, column: String, line: Int)
    /// A sentiment label is none of the accepted forms.
    case invalidLabel(value: String, column: String, line: Int, expected: String)

    public var description: String {
        switch self {
        case .cannotOpen(let path, let reason):
            "cannot open \(path): \(reason)"
        case .readFailed(let path, let reason):
            "cannot read \(path): \(reason)"
        case .emptyFile(let path):
            "\(path): line 1: the file is empty (a header line is required)"
        case .unterminatedQuote(let line):
            "line \(line): a quoted field is not closed"
        case .unexpectedCharacterAfterQuote(let line):
            "line \(line): unexpected character after a closing quote"
        case .missingColumn(let name, let available):
            "line 1: no column '\(name)' in the header (columns: \(available.joined(separator: ", ")))"
        case .missingField(let column, let line):
            "line \(line): missing field '\(column)'"
        case .invalidDate(let value, let column, let line):
            "line \(line): invalid date '\(value)' in column '\(column)' (expected YYYY-MM-DD, YYYYMMDD or RFC 3339)"
        case .invalidNumber(let value, let column, let line):
            "line \(line): invalid number '\(value)' in column '\(column)'"
        case .invalidSummary(let reason, let line):
            "line \(line): \(reason)"
        case .emptyCustomerID(let column, let line):
            "line \(line): empty customer id in column '\(column)'"
        case .negativeAmount(let value, let column, let line):
            "line \(line): negative amount '\(value)' in column '\(column)' (returns are not purchases: leave them "
                + "out, or subtract them from the purchase they return)"
        case .invalidLabel(let value, let column, let line, let expected):
            "line \(line): invalid label '\(value)' in column '\(column)' (expected \(expected))"
        }
    }
}
