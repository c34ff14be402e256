/// Writing RFC 4180 CSV that spreadsheets open safely.
enum CSV {
    /// One line of fields, CRLF-terminated.
    static func line(_ fields: [String]) -> String {
        fields.map { field($0) }.joined(separator: ",") + "\r\n"
    }

    /// Quotes a field holding a comma, quote or line break. Text starting with `=`, `+`, `-` or `@` is prefixed
    /// with `'` so a spreadsheet does not run it as a formula; a field known to be a number is left as it is.
    static func field(_ value: String, isNumber: Bool = false) -> String {
        var text = value
        if !isNumber, let first = text.first, "=+-@".contains(first) { text = "'" + text }
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
        return "\"" + text.replacing("\"", with: "\"\"") + "\""
    }
}
