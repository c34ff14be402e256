import Foundation
import PatronStore

/// The rows of a JSON lines import: one object per line with the keys of the CSV header.
final class JSONGrantRows: ImportRowSource {
    private let lines: LineReader
    private let parser: GrantParser
    private var lineNumber = 0

    init(path: String, parser: GrantParser) throws {
        guard let lines = LineReader(path: path) else { throw CommandFailure("cannot open \(path)") }
        self.lines = lines
        self.parser = parser
    }

    func next() throws -> ImportRow<PointGrant>? {
        while var line = lines.next() {
            lineNumber += 1
            if lineNumber == 1, line.hasPrefix("\u{FEFF}") { line.removeFirst() }
            if line.trimmedOfSpaces.isEmpty { continue }
            guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else {
                return .refused(line: lineNumber, reason: "not a JSON object")
            }
            return parser.row(line: lineNumber) { key in
                switch object[key] {
                case let text as String: text
                case let number as NSNumber: number.stringValue
                default: nil
                }
            }
        }
        return nil
    }
}
