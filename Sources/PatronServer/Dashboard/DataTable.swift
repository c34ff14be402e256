import Hummingbird
import NIOCore
import PatronCore

/// A list as a page shows it and as it downloads: the same rows give the HTML table and the CSV file, so what a
/// person sees and what they take to a spreadsheet cannot differ. In the file numbers are plain (no grouping, money
/// in major units), and the header row carries the column names in the page's language.
struct DataTable: Sendable {
    struct Column: Sendable {
        var label: String
        var numeric = false
    }

    struct Cell: Sendable {
        /// What the page shows.
        var shown: Markup
        /// What the file holds.
        var value: String
        var isNumber = false
        var className: String?

        init(_ text: String, className: String? = nil) {
            self.init(shown: "\(text)", value: text, className: className)
        }

        init(shown: Markup, value: String, isNumber: Bool = false, className: String? = nil) {
            self.shown = shown
            self.value = value
            self.isNumber = isNumber
            self.className = className
        }

        static func link(_ text: String, to path: String) -> Cell {
            Cell(shown: "<a href=\"\(path)\">\(text)</a>", value: text)
        }

        static func code(_ text: String) -> Cell {
            Cell(shown: "<code>\(text)</code>", value: text)
        }

        static func number(_ value: Int64, _ formats: Formats, signed: Bool = false) -> Cell {
            let shown = (signed && value > 0 ? "+" : "") + formats.exact(value)
            return Cell(shown: "\(shown)", value: String(value), isNumber: true)
        }

        static func number(_ value: Int, _ formats: Formats) -> Cell { number(Int64(value), formats) }

        static func money(_ minor: Int64, _ currency: Currency, _ formats: Formats) -> Cell {
            Cell(shown: "\(formats.money(minor, currency))", value: plainMoney(minor, currency), isNumber: true)
        }

        static func percent(_ ratio: Double?, _ formats: Formats, className: String? = nil) -> Cell {
            let value = ratio.map { Formats.trimmed($0, digits: 4) } ?? ""
            return Cell(shown: "\(formats.percent(ratio))", value: value, isNumber: true, className: className)
        }

        /// Minor units as a plain decimal of major units: -1234.50.
        static func plainMoney(_ minor: Int64, _ currency: Currency) -> String {
            var scale: UInt64 = 1
            for _ in 0..<currency.minorUnitDigits { scale *= 10 }
            let whole = (minor < 0 ? "-" : "") + String(minor.magnitude / scale)
            guard currency.minorUnitDigits > 0 else { return whole }
            let fraction = String(minor.magnitude % scale)
            return whole + "." + String(repeating: "0", count: currency.minorUnitDigits - fraction.count) + fraction
        }
    }

    /// Names the table in its download link (`?download=<id>`) and its file.
    var id: String
    var caption: String?
    /// Said instead of an empty table.
    var empty: String? = nil
    var columns: [Column]
    var rows: [[Cell]]
    /// Whether each row's first cell heads the row.
    var rowHeaders = false
    /// Extra classes of the `<table>`.
    var className: String?

    /// The table with a link to download it, keeping the page's query (its period, its search).
    func html(_ view: View) -> Markup {
        if rows.isEmpty, let empty { return "<p>\(empty)</p>" }
        let head: [Markup] = columns.map { column in
            column.numeric
                ? "<th scope=\"col\" class=\"number\">\(column.label)</th>" : "<th scope=\"col\">\(column.label)</th>"
        }
        let body: [Markup] = rows.map { row in
            let cells: [Markup] = row.enumerated().map { index, cell in
                let numeric = index < columns.count && columns[index].numeric
                let classes = ([numeric ? "number" : nil, cell.className].compactMap { $0 }).joined(separator: " ")
                let attribute: Markup = classes.isEmpty ? "" : " class=\"\(classes)\""
                return index == 0 && rowHeaders
                    ? "<th scope=\"row\"\(attribute)>\(cell.shown)</th>" : "<td\(attribute)>\(cell.shown)</td>"
            }
            return "<tr>\(cells)</tr>"
        }
        let caption: Markup = self.caption.map { "<caption>\($0)</caption>" } ?? .empty
        let tableClass: Markup = className.map { " class=\"\($0)\"" } ?? .empty
        return """
            <div class="table-scroll"><table\(tableClass)>\(caption)
            <thead><tr>\(head)</tr></thead>
            <tbody>\(body)</tbody></table></div>
            <p class="download"><a href="\(view.downloadPath(id))" download>\(view.text(.downloadCSV))</a></p>
            """
    }

    /// The table as a CSV file: a header row, then one line per row.
    var csv: String {
        CSV.line(columns.map(\.label))
            + rows.map { row in
                row.map { CSV.field($0.value, isNumber: $0.isNumber) }.joined(separator: ",") + "\r\n"
            }.joined()
    }

    /// The file as a download, named after the table; UTF-8 with a byte-order mark, which spreadsheets need to read
    /// Chinese text in a CSV file correctly.
    func download() -> Response {
        Response(
            status: .ok,
            headers: [
                .contentType: "text/csv; charset=utf-8",
                .contentDisposition: "attachment; filename=\"\(id).csv\"",
            ],
            body: .init(byteBuffer: ByteBuffer(string: "\u{FEFF}" + csv)))
    }
}
