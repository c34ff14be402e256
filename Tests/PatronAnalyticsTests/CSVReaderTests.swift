import Foundation
import PatronAnalytics
import Testing

@Suite("CSV reading")
struct CSVReaderTests {
    func records(_ text: String) throws -> [CSVRecord] {
        var reader = CSVReader(text: text)
        var records: [CSVRecord] = []
        while let record = try reader.nextRecord() { records.append(record) }
        return records
    }

    @Test("quoted fields, doubled quotes, quoted line breaks and CRLF")
    func rfc4180() throws {
        let text = "id,name,note\r\n1,\"Smith, J\",\"said \"\"hi\"\"\"\r\n2,plain,\"two\r\nlines\"\r\n3,,\r\n"
        let parsed = try records(text)
        #expect(
            parsed.map(\.fields) == [
                ["id", "name", "note"], ["1", "Smith, J", "said \"hi\""], ["2", "plain", "two\r\nlines"],
                ["3", "", ""],
            ])
        #expect(parsed.map(\.lineNumber) == [1, 2, 3, 5])
    }

    @Test("blank lines are skipped, a missing final line break is fine, a BOM is ignored")
    func edges() throws {
        let parsed = try records("\u{FEFF}a,b\n\n1,2\n\n3,4")
        #expect(parsed.map(\.fields) == [["a", "b"], ["1", "2"], ["3", "4"]])
        #expect(parsed.map(\.lineNumber) == [1, 3, 5])
        #expect(try records("").isEmpty)
        #expect(try records("\"\"").map(\.fields) == [[""]])
    }

    @Test("malformed quoting reports the line")
    func malformed() {
        #expect(throws: InputError.unterminatedQuote(line: 2)) { try records("a\n\"open\n") }
        #expect(throws: InputError.unexpectedCharacterAfterQuote(line: 3)) { try records("a\nb\n\"x\"y\n") }
    }

    @Test("bad transaction rows name the line and column")
    func transactionErrors() {
        #expect(throws: InputError.invalidDate(value: "1997-13-01", column: "date", line: 3)) {
            try TransactionFile.read(text: "customer_id,date,amount\n1,1997-01-01,3\n2,1997-13-01,4\n")
        }
        #expect(throws: InputError.invalidNumber(value: "abc", column: "amount", line: 2)) {
            try TransactionFile.read(text: "customer_id,date,amount\n1,1997-01-01,abc\n")
        }
        #expect(throws: InputError.missingField(column: "amount", line: 2)) {
            try TransactionFile.read(text: "customer_id,date,amount\n1,1997-01-01\n")
        }
        #expect(throws: InputError.missingColumn(name: "spend", available: ["customer_id", "date", "amount"])) {
            try TransactionFile.read(
                text: "customer_id,date,amount\n", columns: TransactionColumns(amount: "spend"))
        }
        let error = InputError.invalidNumber(value: "abc", column: "amount", line: 2)
        #expect(!error.description.contains("\n") && error.description.hasPrefix("line 2:"))
    }

    @Test("summary files accept both header styles and reject inconsistent rows")
    func summaryFiles() throws {
        let lifetimesStyle = try CustomerSummaryFile.read(
            text: "customer_id,frequency,recency,T,monetary_value\nx,2.0,3.5,10,12.5\n")
        let cdnowStyle = try CustomerSummaryFile.read(text: "ID,x,t_x,T,zbar\nx,2,3.5,10,12.5\n")
        #expect(lifetimesStyle == cdnowStyle)
        #expect(lifetimesStyle.first?.history == PurchaseHistory(frequency: 2, recency: 3.5, age: 10))
        #expect(throws: InputError.self) { try CustomerSummaryFile.read(text: "ID,x,t_x,T,zbar\na,1,11,10,1\n") }
        #expect(throws: InputError.self) { try CustomerSummaryFile.read(text: "ID,x,t_x,T,zbar\na,1.5,1,10,1\n") }
    }

    @Test("a file round-trips through the writer and the reader")
    func fileRoundTrip() throws {
        let path = "/tmp/patron-analytics-csv-\(UInt64.random(in: 0...UInt64.max)).csv"
        let rows = [["id", "text"], ["1", "comma, inside"], ["2", "quote \" inside"], ["3", "line\nbreak"]]
        var writer = try CSVWriter(path: path)
        for row in rows { try writer.write(row) }
        try writer.finish()
        var reader = try CSVReader(path: path)
        var read: [[String]] = []
        while let record = try reader.nextRecord() { read.append(record.fields) }
        #expect(read == rows)
        #expect(throws: InputError.self) { _ = try CSVReader(path: path + ".missing") }
    }

    /// Reads a file's records and the lines they start on.
    func fileRecords(_ bytes: [UInt8]) throws -> [CSVRecord] {
        let path = "/tmp/patron-analytics-csv-\(UInt64.random(in: 0...UInt64.max)).csv"
        defer { unlink(path) }
        #expect(FileManager.default.createFile(atPath: path, contents: Data(bytes)))
        var reader = try CSVReader(path: path)
        var records: [CSVRecord] = []
        while let record = try reader.nextRecord() { records.append(record) }
        return records
    }

    @Test("files saved by Excel: a byte-order mark, and CRLF even where it straddles two 1 MiB blocks")
    func excelFiles() throws {
        let header = Array("\u{FEFF}id,note\r\n".utf8)
        // The CR ending row 1 is the last byte of the first block; its LF starts the second.
        let pad = String(repeating: "p", count: (1 << 20) - 1 - header.count - 2)
        let ending = try fileRecords(header + Array("1,\(pad)\r\n2,\"two\r\nlines\"\r\n3,last\r\n".utf8))
        #expect(ending.map(\.fields) == [["id", "note"], ["1", pad], ["2", "two\r\nlines"], ["3", "last"]])
        #expect(ending.map(\.lineNumber) == [1, 2, 3, 5])
        // Here the split CRLF is inside a quoted field: kept as it is, and counted as one line.
        let quotedPad = String(repeating: "q", count: (1 << 20) - 1 - header.count - 3)
        let quoted = try fileRecords(header + Array("1,\"\(quotedPad)\r\nend\"\r\n2,x\r\n".utf8))
        #expect(quoted.map(\.fields) == [["id", "note"], ["1", quotedPad + "\r\nend"], ["2", "x"]])
        #expect(quoted.map(\.lineNumber) == [1, 2, 4])
    }

    @Test("after a stray character behind a closing quote, reading goes on with the next line")
    func recovery() throws {
        var reader = CSVReader(text: "a,b\r\n\"x\"y,\"z\r\n1,2\r\n")
        #expect(try reader.advance())
        #expect(throws: InputError.unexpectedCharacterAfterQuote(line: 2)) { try reader.advance() }
        #expect(reader.recordLine == 2)
        try reader.skipRestOfLine()
        #expect(try reader.advance())
        #expect(reader.recordLine == 3)
        #expect((0..<reader.fieldCount).map { reader.fieldText($0) } == ["1", "2"])
        #expect(try !reader.advance())
    }
}

@Suite("Calendar dates")
struct CalendarDateTests {
    @Test("parses the accepted formats and rejects others")
    func parsing() {
        let expected = CalendarDate(year: 1997, month: 9, day: 30)
        for text in ["1997-09-30", "19970930", "1997-09-30T23:59:59+08:00", "1997-09-30 10:00:00", " 1997-09-30 "] {
            #expect(CalendarDate(parsing: text) == expected, "\(text)")
        }
        for text in ["1997-9-30", "30/09/1997", "1997-02-29", "19971301", "", "1997-09-30X"] {
            #expect(CalendarDate(parsing: text) == nil, "\(text)")
        }
        #expect(CalendarDate(parsing: "2000-02-29") != nil)
        #expect(CalendarDate(parsing: "1900-02-29") == nil)
    }

    @Test("day numbers round-trip and match known dates")
    func dayNumbers() throws {
        #expect(CalendarDate(year: 1970, month: 1, day: 1)?.daysSinceEpoch == 0)
        #expect(CalendarDate(year: 1997, month: 1, day: 1)?.daysSinceEpoch == 9862)
        #expect(CalendarDate(year: 1969, month: 12, day: 31)?.daysSinceEpoch == -1)
        for day in stride(from: -800_000, through: 800_000, by: 997) {
            #expect(CalendarDate(daysSinceEpoch: day).daysSinceEpoch == day)
        }
        let first = try #require(CalendarDate(parsing: "1997-01-01"))
        let end = try #require(CalendarDate(parsing: "1997-09-30"))
        #expect(first.days(to: end) == 272)
        #expect(end.description == "1997-09-30")
    }
}
