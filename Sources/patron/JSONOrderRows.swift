import Foundation
import PatronCore
import PatronStore

/// The orders of a JSON lines import: one order per line, as the body of `POST /v1/orders`.
final class JSONOrderRows: ImportRowSource {
    private let lines: JSONLines
    private let parser: OrderParser
    private let decoder = JSONDecoder()

    init(path: String, parser: OrderParser) throws {
        lines = try JSONLines(path: path)
        self.parser = parser
    }

    func next() throws -> ImportRow<ImportedOrder>? {
        guard let (line, text) = lines.next() else { return nil }
        guard let body = try? decoder.decode(JSONValue.self, from: Data(text.utf8)), case .object = body else {
            return .refused(line: line, reason: "not a JSON object")
        }
        return parser.order(line: line, body)
    }
}
