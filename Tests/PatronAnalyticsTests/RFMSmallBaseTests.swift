import PatronAnalytics
import Testing

/// The examples of docs/analytics.md for the smallest bases, and ties at the top.
@Suite("RFM on small bases and ties at the top")
struct RFMSmallBaseTests {
    static let reference = CalendarDate(parsing: "2024-03-01")!

    static func results(_ csv: String) throws -> [String: RFMResult] {
        let transactions = try TransactionFile.read(text: "customer_id,date,amount\n" + csv)
        let results = RFMAnalysis.analyze(RFMAnalysis.measures(from: transactions, referenceDate: reference))
        return Dictionary(uniqueKeysWithValues: results.map { ($0.measures.customerID, $0) })
    }

    @Test("a shop's only customer is a Champion, not Lost")
    func onlyCustomer() throws {
        let results = try Self.results("a,2024-02-20,30\n")
        #expect(results["a"]?.score == RFMScore(recency: 5, frequency: 5, monetary: 5))
        #expect(results["a"]?.segment == .champions)
    }

    @Test("of two customers, the better scores 5 and the worse 1")
    func twoCustomers() throws {
        let results = try Self.results("a,2024-02-20,30\na,2024-02-25,20\nb,2023-12-01,10\n")
        #expect(results["a"]?.score == RFMScore(recency: 5, frequency: 5, monetary: 5))
        #expect(results["a"]?.segment == .champions)
        #expect(results["b"]?.score == RFMScore(recency: 1, frequency: 1, monetary: 1))
        #expect(results["b"]?.segment == .lost)
    }

    @Test("customers tied at the best value all score 5")
    func tiedAtTheTop() throws {
        let results = try Self.results("a,2024-02-20,30\nb,2024-02-20,30\n")
        for customer in ["a", "b"] {
            #expect(results[customer]?.score == RFMScore(recency: 5, frequency: 5, monetary: 5))
            #expect(results[customer]?.segment == .champions)
        }
        // 70 of 100 share the best value: they rank first, so 5, and the rest keep the quintile of their rank.
        let values = (0..<30).map(Double.init) + Array(repeating: 100.0, count: 70)
        let scores = RFMAnalysis.quintileScores(values, higherIsBetter: true)
        #expect(Set(scores[30...]) == [5])
        #expect(scores[0] == 1 && scores[29] == 2)
        #expect(Set(RFMAnalysis.quintileScores(Array(repeating: 3, count: 9), higherIsBetter: false)) == [5])
    }

    @Test("one value's score from counts and from a scale agree with the whole base's")
    func countsAndScalesAgree() {
        #expect(RFMAnalysis.quintileScore(worse: 0, better: 0, count: 1) == 5)
        #expect(RFMAnalysis.quintileScore(worse: 0, better: 1, count: 2) == 1)
        #expect(RFMAnalysis.quintileScore(worse: 30, better: 0, count: 100) == 5)
        #expect(QuintileScale([7]).score(of: 7) == 5)
        #expect(QuintileScale([7, 7, 7]).score(of: 7) == 5)
        #expect(QuintileScale([1, 7]).score(of: 1) == 1)
    }
}
