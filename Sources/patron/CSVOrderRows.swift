import PatronCore
import PatronStore

/// The orders of a CSV import with one row per line item: consecutive rows with the same order_id are one order,
/// whose order-level fields come from its first row.
final class CSVOrderRows: ImportRowSource {
    static let orderColumns = [
        "order_id", "member_id", "external_id", "occurred_at", "currency", "channel", "store_id", "discount_minor",
        "shipping_minor", "total_minor",
    ]
    static let lineColumns = ["sku", "name", "category", "quantity", "unit_price_minor", "line_discount_minor"]
    static let columns = orderColumns + lineColumns

    private typealias Row = (line: Int, fields: [String: String])

    private let records: CSVImportReader
    private let parser: OrderParser
    /// The first row of the next order, read while looking for the end of the last one.
    private var pending: Row?
    /// Rows that could not be read while an order was being gathered, reported after it.
    private var deferred: [ImportRow<ImportedOrder>] = []

    init(path: String, parser: OrderParser) throws {
        records = try CSVImportReader(
            path: path,
            required: [
                "order_id", "occurred_at", "currency", "sku", "quantity", "unit_price_minor",
                "total_minor",
            ])
        guard records.isEmpty || records.has("member_id") || records.has("external_id") else {
            throw CommandFailure("the CSV header must name a member_id or an external_id column")
        }
        self.parser = parser
    }

    func next() throws -> ImportRow<ImportedOrder>? {
        if !deferred.isEmpty { return deferred.removeFirst() }
        var rows: [Row] = []
        if let pending {
            rows.append(pending)
            self.pending = nil
        }
        reading: while let record = try records.next() {
            switch record {
            case .refused(let line, let reason):
                if rows.isEmpty { return .refused(line: line, reason: reason) }
                deferred.append(.refused(line: line, reason: reason))
            case .fields(let line):
                var fields: [String: String] = [:]
                for column in Self.columns {
                    if let value = records.field(column), !value.trimmedOfSpaces.isEmpty { fields[column] = value }
                }
                let row = (line: line, fields: fields)
                guard let first = rows.first else {
                    rows.append(row)
                    continue
                }
                if fields["order_id"] == nil || fields["order_id"] != first.fields["order_id"] {
                    pending = row
                    break reading
                }
                rows.append(row)
            }
        }
        guard let first = rows.first else { return deferred.isEmpty ? nil : deferred.removeFirst() }
        return parser.order(line: first.line, Self.body(of: rows.map(\.fields)))
    }

    /// The order as the JSON body `POST /v1/orders` takes: whole numbers as numbers, anything else as given (so
    /// the validation names the field), absent fields absent.
    private static func body(of rows: [[String: String]]) -> JSONValue {
        let first = rows[0]
        var order: [String: JSONValue] = [:]
        for column in ["order_id", "member_id", "occurred_at", "currency", "channel", "store_id"] {
            if let text = first[column] { order[column] = .string(text.trimmedOfSpaces) }
        }
        if order["member_id"] == nil, let externalID = first["external_id"] {
            order["member"] = .object(["external_id": .string(externalID.trimmedOfSpaces)])
        }
        for column in ["discount_minor", "shipping_minor", "total_minor"] {
            if let text = first[column] { order[column] = number(text) }
        }
        order["lines"] = .array(
            rows.map { row in
                var line: [String: JSONValue] = [:]
                for column in ["sku", "name", "category"] {
                    if let text = row[column] { line[column] = .string(text) }
                }
                for (column, key) in [
                    ("quantity", "quantity"), ("unit_price_minor", "unit_price_minor"),
                    ("line_discount_minor", "discount_minor"),
                ] {
                    if let text = row[column] { line[key] = number(text) }
                }
                return .object(line)
            })
        return .object(order)
    }

    private static func number(_ text: String) -> JSONValue {
        let trimmed = text.trimmedOfSpaces
        if let value = Int64(trimmed), abs(value) <= 1 << 53 { return .number(Double(value)) }
        return .string(trimmed)
    }
}
