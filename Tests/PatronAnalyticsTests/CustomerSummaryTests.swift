import PatronAnalytics
import PatronTestSupport
import Testing

@Suite("Summaries from transactions")
struct CustomerSummaryTests {
    @Test(
        "CDNOW_sample.txt reproduces the published 39-week calibration summary",
        .enabled(if: CDNOWData.isAvailable, CDNOWData.skipMessage))
    func cdnowSample() throws {
        // The sample is whitespace-separated: master id, sample id (1…2357), yyyymmdd, CDs, dollars.
        var reader = try CSVReader(path: CDNOWData.samplePath)
        var transactions: [Transaction] = []
        while let record = try reader.nextRecord() {
            let columns = record.fields[0].split(separator: " ")
            let date = try #require(CalendarDate(parsing: columns[2]))
            transactions.append(
                Transaction(customerID: String(columns[1].drop { $0 == "0" }), date: date, amount: Double(columns[4])!))
        }
        #expect(transactions.count == 6919)
        let end = try #require(CalendarDate(parsing: "1997-09-30"))
        let computed = CustomerSummary.summaries(from: transactions, calibrationEnd: end, unit: .week)
        let published = try CDNOWData.summaries()
        #expect(computed.count == published.count)
        let byID = Dictionary(uniqueKeysWithValues: computed.map { ($0.customerID, $0) })
        var mismatches = 0
        for row in published {
            guard let mine = byID[row.customerID] else {
                Issue.record("customer \(row.customerID) missing")
                continue
            }
            // The published file is rounded to two decimals.
            let matches =
                mine.history.frequency == row.history.frequency
                && abs(mine.history.recency - row.history.recency) <= 0.005 + 1e-9
                && abs(mine.history.age - row.history.age) <= 0.005 + 1e-9
                && abs(mine.monetaryValue - row.monetaryValue) <= 0.005 + 1e-9
            if !matches {
                mismatches += 1
                if mismatches <= 5 { Issue.record("customer \(row.customerID): \(mine) vs \(row)") }
            }
        }
        #expect(mismatches == 0)
    }

    @Test("same-day purchases merge, later transactions are ignored, monetary is the repeat mean")
    func conventions() throws {
        let csv = """
            customer_id,date,amount
            a,2024-01-01,10
            a,2024-01-01,5
            a,2024-01-08,20
            a,2024-01-15T10:00:00Z,40
            a,2024-03-01,1000
            b,20240110,7
            """
        let transactions = try TransactionFile.read(text: csv)
        let end = try #require(CalendarDate(parsing: "2024-01-29"))
        let summaries = CustomerSummary.summaries(from: transactions, calibrationEnd: end, unit: .week)
        #expect(
            summaries == [
                CustomerSummary(customerID: "a", frequency: 2, recency: 2, age: 4, monetaryValue: 30),
                CustomerSummary(customerID: "b", frequency: 0, recency: 0, age: 19.0 / 7, monetaryValue: 0),
            ])
        let daily = CustomerSummary.summaries(from: transactions, calibrationEnd: end, unit: .day)
        #expect(daily[0].history == PurchaseHistory(frequency: 2, recency: 14, age: 28))
    }

    @Test("property: every summary is a consistent history", arguments: [1, 2, 3])
    func summariesAreConsistent(seed: UInt64) throws {
        var generator = SeededGenerator(seed: seed)
        let start = try #require(CalendarDate(parsing: "2023-01-01")).daysSinceEpoch
        let transactions = (0..<2000).map { _ in
            Transaction(
                customerID: "c\(generator.nextInt(upperBound: 300))",
                date: CalendarDate(daysSinceEpoch: start + generator.nextInt(upperBound: 400)),
                amount: Double(generator.nextInt(upperBound: 10_000)) / 100)
        }
        let end = CalendarDate(daysSinceEpoch: start + 300)
        let summaries = CustomerSummary.summaries(from: transactions, calibrationEnd: end, unit: .week)
        for summary in summaries {
            #expect(summary.history.isValid)
            #expect(summary.monetaryValue >= 0)
        }
        let inPeriod = Set(transactions.filter { $0.date <= end }.map(\.customerID))
        #expect(Set(summaries.map(\.customerID)) == inPeriod)
    }
}
