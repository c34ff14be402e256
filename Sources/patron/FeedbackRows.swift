import Foundation
import PatronCore
import PatronStore

/// Reads one feedback row as `POST /v1/feedback` reads its body, with `external_id` allowed for `member_id`.
struct FeedbackParser {
    let now: Timestamp

    func row(line: Int, _ body: [String: JSONValue]) -> ImportRow<ImportedFeedback> {
        var fields = body
        var externalID: String?
        if case .string(let text)? = fields.removeValue(forKey: "external_id") {
            externalID = text.trimmingWhitespace()
            if fields["member_id"] != nil {
                return .refused(line: line, reason: "member_id and external_id: name the member one way")
            }
        }
        do {
            let submission = try FeedbackSubmission.parse(.object(fields), receivedAt: now)
            return .item(
                ImportedFeedback(
                    line: line, externalID: externalID.flatMap { $0.isEmpty ? nil : $0 }, submission: submission,
                    fingerprint: Fingerprint.of(.object(body))))
        } catch {
            let reasons = error.errors.map { "\($0.pointer.dropFirst()): \($0.detail)" }
            return .refused(line: line, reason: reasons.joined(separator: "; "))
        }
    }
}

/// Feedback from JSON lines: one object per line, as the body of `POST /v1/feedback`.
final class JSONFeedbackRows: ImportRowSource {
    private let lines: JSONLines
    private let parser: FeedbackParser
    private let decoder = JSONDecoder()

    init(path: String, parser: FeedbackParser) throws {
        lines = try JSONLines(path: path)
        self.parser = parser
    }

    func next() throws -> ImportRow<ImportedFeedback>? {
        guard let (line, text) = lines.next() else { return nil }
        guard case .object(let body)? = try? decoder.decode(JSONValue.self, from: Data(text.utf8)) else {
            return .refused(line: line, reason: "not a JSON object")
        }
        return parser.row(line: line, body)
    }
}

/// Feedback from CSV: a header naming feedback_id and channel, and any of member_id or external_id, rating, score,
/// text, language, tags (separated by |), store_id, order_id, submitted_at, contact_name, contact_email and
/// contact_phone.
final class CSVFeedbackRows: ImportRowSource {
    private let records: CSVImportReader
    private let parser: FeedbackParser
    static let textColumns = [
        "feedback_id", "channel", "member_id", "external_id", "text", "language", "store_id", "order_id",
        "submitted_at",
    ]

    init(path: String, parser: FeedbackParser) throws {
        records = try CSVImportReader(path: path, required: ["feedback_id", "channel"])
        self.parser = parser
    }

    func next() throws -> ImportRow<ImportedFeedback>? {
        switch try records.next() {
        case .fields(let line): row(line: line)
        case .refused(let line, let reason): .refused(line: line, reason: reason)
        case nil: nil
        }
    }

    private func row(line: Int) -> ImportRow<ImportedFeedback> {
        func value(_ column: String) -> String? {
            records.field(column).flatMap { $0.trimmingWhitespace().isEmpty ? nil : $0 }
        }
        var body: [String: JSONValue] = [:]
        for column in Self.textColumns { if let text = value(column) { body[column] = .string(text) } }
        for column in ["rating", "score"] {
            guard let text = value(column) else { continue }
            guard let number = Int(text.trimmingWhitespace()) else {
                return .refused(line: line, reason: "\(column): must be a whole number")
            }
            body[column] = .number(Double(number))
        }
        if let tags = value("tags") {
            body["tags"] = .array(tags.split(separator: "|").map { .string(String($0).trimmingWhitespace()) })
        }
        var contact: [String: JSONValue] = [:]
        for part in ["name", "email", "phone"] {
            if let text = value("contact_" + part) { contact[part] = .string(text) }
        }
        if !contact.isEmpty { body["contact"] = .object(contact) }
        return parser.row(line: line, body)
    }
}
