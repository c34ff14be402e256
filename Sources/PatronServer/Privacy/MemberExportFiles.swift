import Foundation
import PatronCore
import PatronStore

/// The export as files: the JSON document, and the same tables as CSV, one file per table, in one zip.
public enum MemberExportFiles {
    public static func json(_ export: MemberExport, requestID: String) throws -> [UInt8] {
        guard case .object(var document) = export.document else { return [] }
        document["request_id"] = .string(requestID)
        return Array(try JSONBody.canonical(.object(document)))
    }

    public static func zip(_ export: MemberExport, requestID: String) throws -> [UInt8] {
        var archive = ZipArchive()
        archive.add("export.json", try json(export, requestID: requestID))
        for table in export.tables {
            var text = CSV.line(table.columns)
            for row in table.rows {
                text += CSV.line(table.columns.map { cell(row[$0] ?? .null) })
            }
            archive.add("\(table.name).csv", Array(text.utf8))
        }
        return archive.bytes
    }

    /// A cell: text as it is, numbers without a fraction when whole, JSON for objects, empty for null.
    private static func cell(_ value: JSONValue) -> String {
        switch value {
        case .null: ""
        case .string(let text): text
        case .bool(let flag): flag ? "true" : "false"
        case .number(let number): number == number.rounded() ? String(Int64(number)) : String(number)
        case .array, .object: (try? JSONBody.canonical(value)).map { String(decoding: $0, as: UTF8.self) } ?? ""
        }
    }
}
