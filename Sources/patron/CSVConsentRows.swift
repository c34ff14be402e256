import Foundation
import PatronCore
import PatronStore

/// The statements of a CSV consent import: read as the API reads a `consents` list, one statement per row.
final class CSVConsentRows: ImportRowSource {
    private let records: CSVImportReader
    private let now: Timestamp
    static let columns = ["purpose", "channel", "state", "source", "policy_version", "evidence", "given_at"]

    init(path: String, now: Timestamp) throws {
        records = try CSVImportReader(path: path, required: ["external_id", "purpose", "state"])
        self.now = now
    }

    func next() throws -> ImportRow<ImportedConsent>? {
        switch try records.next() {
        case .fields(let line): row(line: line)
        case .refused(let line, let reason): .refused(line: line, reason: reason)
        case nil: nil
        }
    }

    private func row(line: Int) -> ImportRow<ImportedConsent> {
        guard let externalID = records.field("external_id")?.trimmingWhitespace(), !externalID.isEmpty else {
            return .refused(line: line, reason: "external_id: is required")
        }
        var statement: [String: JSONValue] = ["source": .string(ConsentSource.import.rawValue)]
        for column in Self.columns {
            if let value = records.field(column)?.trimmingWhitespace(), !value.isEmpty {
                statement[column] = .string(value)
            }
        }
        var reader = FieldReader(.object(["consents": .array([.object(statement)])]))
        let read = ConsentRecord.readList("consents", from: &reader, at: now)
        guard reader.errors.isEmpty, let record = read?.first else {
            let reasons = reader.errors.map {
                "\($0.pointer.replacingOccurrences(of: "/consents/0/", with: "")): \($0.detail)"
            }
            return .refused(line: line, reason: reasons.joined(separator: "; "))
        }
        return .item(ImportedConsent(line: line, externalID: externalID, record: record))
    }
}
