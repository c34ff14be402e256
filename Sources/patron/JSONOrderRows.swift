import Foundation
import PatronCore
import PatronStore

/// The orders of a JSON lines import: one order per line, as the body of `POST /v1/orders`.
final class JSONOrderRows: ImportRowSource {
    private let lines: LineReader
    private let parser: OrderParser
    private var lineNumber = 0

    init(path: String, parser: OrderParser) throws {
        guard let lines = LineReader(path: path) else { throw CommandFailure("cannot open \(path)") }
        self.lines = lines
        self.parser = parser
    }

    func next() throws -> ImportRow<ImportedOrder>? {
        while var line = lines.next() {
            lineNumber += 1
            if lineNumber == 1, line.hasPrefix("\u{FEFF}") { line.removeFirst() }
            if line.trimmedOfSpaces.isEmpty { continue }
            guard let body = try? JSONDecoder().decode(JSONValue.self, from: Data(line.utf8)),
                case .object = body
            else {
                return .refused(line: lineNumber, reason: "not a JSON object")
            }
            return parser.order(line: lineNumber, body)
        }
        return nil
    }
}
