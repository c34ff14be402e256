/// The lines of a JSON lines import file that hold something, numbered from 1 as in the file; a byte-order mark
/// before the first is dropped.
final class JSONLines {
    private let lines: LineReader
    private var lineNumber = 0

    init(path: String) throws {
        guard let lines = LineReader(path: path) else { throw CommandFailure("cannot open \(path)") }
        self.lines = lines
    }

    func next() -> (line: Int, text: String)? {
        while var text = lines.next() {
            lineNumber += 1
            if lineNumber == 1, text.hasPrefix("\u{FEFF}") { text.removeFirst() }
            if !text.trimmedOfSpaces.isEmpty { return (lineNumber, text) }
        }
        return nil
    }
}
