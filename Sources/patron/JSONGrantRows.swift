import Foundation
import PatronStore

/// The rows of a JSON lines import: one object per line with the keys of the CSV header.
final class JSONGrantRows: ImportRowSource {
    private let lines: JSONLines
    private let parser: GrantParser

    init(path: String, parser: GrantParser) throws {
        lines = try JSONLines(path: path)
        self.parser = parser
    }

    func next() throws -> ImportRow<PointGrant>? {
        guard let (line, text) = lines.next() else { return nil }
        guard let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] else {
            return .refused(line: line, reason: "not a JSON object")
        }
        return parser.row(line: line) { key in
            switch object[key] {
            case let text as String: text
            case let number as NSNumber: number.stringValue
            default: nil
            }
        }
    }
}
