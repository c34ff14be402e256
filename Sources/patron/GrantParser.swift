import PatronCore
import PatronStore

/// Turns the fields of one import row, looked up by column name, into a grant or the reason it is refused.
struct GrantParser {
    /// The file's name, for default grant ids and reasons.
    let source: String

    /// The row starting on `line`, whose field for a column name `field` gives (nil when absent).
    func row(line: Int, _ field: (String) -> String?) -> ImportRow<PointGrant> {
        guard let externalID = field("external_id")?.trimmedOfSpaces, !externalID.isEmpty else {
            return .refused(line: line, reason: "external_id is missing")
        }
        guard let text = field("points"), let points = Int64(text.trimmedOfSpaces), points != 0,
            abs(points) <= 1_000_000_000
        else {
            return .refused(
                line: line, reason: "points must be a whole number other than 0 (at most 1,000,000,000)")
        }
        var expiresAt: Timestamp?
        if let text = field("expires_at"), !text.isEmpty {
            guard let instant = Timestamp(rfc3339: text) else {
                return .refused(line: line, reason: "expires_at must be RFC 3339")
            }
            expiresAt = instant
        }
        let grantID = field("grant_id").flatMap { $0.isEmpty ? nil : $0 } ?? "\(source):\(line)"
        let reason = field("reason").flatMap { $0.isEmpty ? nil : $0 } ?? "imported from \(source)"
        return .item(
            PointGrant(
                line: line, externalID: externalID, points: points, reason: reason, grantID: grantID,
                expiresAt: expiresAt))
    }
}

extension String {
    /// Without leading and trailing spaces and tabs. Native: Foundation's trimming bridges every call.
    var trimmedOfSpaces: String {
        let isSpace = { (character: Character) in character == " " || character == "\t" }
        guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else {
            return ""
        }
        return String(self[first...last])
    }
}
