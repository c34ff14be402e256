import PatronAnalytics
import PatronTestSupport
import Testing

@Suite("CSV errors and large files")
struct CSVErrorTests {
    static func temporaryPath() -> String {
        "/tmp/patron-analytics-csv-\(UInt64.random(in: 0...UInt64.max)).csv"
    }

    @Test("bad summary rows name the line and column")
    func summaryErrors() {
        let header = "customer_id,frequency,recency,T,monetary_value\n"
        #expect(throws: InputError.invalidNumber(value: "x", column: "recency", line: 3)) {
            try CustomerSummaryFile.read(text: header + "a,1,2,10,5\nb,1,x,10,5\n")
        }
        #expect(throws: InputError.missingField(column: "monetary_value", line: 2)) {
            try CustomerSummaryFile.read(text: header + "a,1,2,10\n")
        }
        #expect(throws: InputError.invalidSummary(reason: "recency 11.0 must lie between 0 and T (10.0)", line: 4)) {
            try CustomerSummaryFile.read(text: header + "a,1,2,10,5\n\nb,1,11,10,5\n")
        }
        #expect(throws: InputError.invalidSummary(reason: "recency must be 0 when frequency is 0", line: 2)) {
            try CustomerSummaryFile.read(text: header + "a,0,2,10,0\n")
        }
        #expect(throws: InputError.invalidNumber(value: " 1e", column: "frequency", line: 2)) {
            try CustomerSummaryFile.read(text: header + "a, 1e,2,10,5\n")
        }
        #expect(throws: InputError.emptyFile(path: "<text>")) { try CustomerSummaryFile.read(text: "") }
        #expect(throws: InputError.missingColumn(name: "T", available: ["customer_id", "frequency", "recency"])) {
            try CustomerSummaryFile.read(text: "customer_id,frequency,recency\n")
        }
    }

    @Test("every error message is one line that starts with the line number")
    func oneLineMessages() {
        let errors: [InputError] = [
            .unterminatedQuote(line: 7), .unexpectedCharacterAfterQuote(line: 7), .missingField(column: "T", line: 7),
            .invalidDate(value: "x", column: "date", line: 7), .invalidNumber(value: "x", column: "amount", line: 7),
            .invalidSummary(reason: "recency must be 0 when frequency is 0", line: 7),
        ]
        for error in errors {
            #expect(error.description.hasPrefix("line 7: "), "\(error)")
            #expect(!error.description.contains("\n"), "\(error)")
        }
    }

    @Test("errors in files on disk carry the same line numbers, with CRLF and blank lines")
    func fileErrors() throws {
        let path = Self.temporaryPath()
        var writer = try CSVWriter(path: path)
        try writer.write(["customer_id", "date", "amount"])
        try writer.write(["a", "2024-01-01", "10"])
        try writer.write(["b", "2024-01-02", "ten"])
        try writer.finish()
        #expect(throws: InputError.invalidNumber(value: "ten", column: "amount", line: 3)) {
            try TransactionFile.read(path: path)
        }
        let crlf = "customer_id,date,amount\r\na,2024-01-01,10\r\n\r\nb,2024-02-30,4\r\n"
        #expect(throws: InputError.invalidDate(value: "2024-02-30", column: "date", line: 4)) {
            try TransactionFile.read(text: crlf)
        }
        #expect(throws: InputError.cannotOpen(path: path + ".missing", reason: "No such file or directory")) {
            try TransactionFile.read(path: path + ".missing")
        }
    }

    @Test("a file larger than the read block parses exactly like the same text in memory")
    func blockBoundaries() throws {
        // About 1.5 MiB with quoted fields and quoted line breaks, so records straddle the 1 MiB block both in
        // the in-place path and the byte-by-byte one.
        var generator = SeededGenerator(seed: 11)
        var rows: [[String]] = [["id", "note", "value"]]
        for index in 0..<60000 {
            let note =
                switch generator.nextInt(upperBound: 5) {
                case 0: "plain"
                case 1: "with, comma"
                case 2: "two\nlines"
                case 3: "quote \" inside"
                default: ""
                }
            rows.append([String(index), note, String(Double(generator.nextInt(upperBound: 1_000_000)) / 100)])
        }
        let path = Self.temporaryPath()
        var writer = try CSVWriter(path: path)
        for row in rows { try writer.write(row) }
        try writer.finish()
        var fileReader = try CSVReader(path: path)
        var fromFile: [CSVRecord] = []
        while let record = try fileReader.nextRecord() { fromFile.append(record) }
        #expect(fromFile.map(\.fields) == rows)
        // Line numbers advance by the line breaks inside quoted fields.
        var expectedLine = 1
        for (record, row) in zip(fromFile, rows) {
            #expect(record.lineNumber == expectedLine)
            expectedLine += 1 + row[1].filter { $0 == "\n" }.count
        }
    }

    @Test("numbers parse exactly as Double(String) does")
    func numbers() throws {
        var generator = SeededGenerator(seed: 3)
        var texts = [
            "0", "0.0", "-0", "1", "10", "0.1", "0.30000000000000004", "31.714285714285715", "38.857142857142854",
            "9007199254740993", "12345678901234567.89", "1.7976931348623157", "0.000000000000000000001",
            "123456789012345678901234", "1e3", "+5", "2.5E-3",
        ]
        for _ in 0..<3000 {
            let digits = 1 + generator.nextInt(upperBound: 19)
            var text = (0..<digits).map { _ in String(generator.nextInt(upperBound: 10)) }.joined()
            let point = generator.nextInt(upperBound: digits + 1)
            if point > 0, point < digits {
                text.insert(".", at: text.index(text.startIndex, offsetBy: point))
            }
            texts.append(text)
        }
        let header = "customer_id,frequency,recency,T,monetary_value\n"
        let body = texts.enumerated().map { "c\($0.offset),1,\($0.element),\($0.element),1" }.joined(separator: "\n")
        let parsed = try CustomerSummaryFile.read(text: header + body)
        for (summary, text) in zip(parsed, texts) {
            #expect(summary.history.recency.bitPattern == Double(text)!.bitPattern, "\(text)")
        }
    }
}
