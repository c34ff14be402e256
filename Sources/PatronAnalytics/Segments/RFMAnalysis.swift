/// A customer's raw recency, frequency and monetary measures at a reference date.
public struct RFMMeasures: Sendable, Hashable, Codable {
    /// The customer's identifier.
    public var customerID: String
    /// Days from the last purchase to the reference date.
    public var recencyDays: Int
    /// Purchase days up to the reference date (purchases on the same day count once).
    public var frequency: Int
    /// Total spend up to the reference date.
    public var monetary: Double

    /// Creates measures.
    public init(customerID: String, recencyDays: Int, frequency: Int, monetary: Double) {
        self.customerID = customerID
        self.recencyDays = recencyDays
        self.frequency = frequency
        self.monetary = monetary
    }
}

/// A customer's RFM measures, scores and segment.
public struct RFMResult: Sendable, Hashable, Codable {
    /// The raw measures.
    public var measures: RFMMeasures
    /// The quintile scores.
    public var score: RFMScore
    /// The segment from ``RFMSegmentTable``.
    public var segment: RFMSegment
}

/// RFM scoring by quintiles of rank.
///
/// A customer's score on each measure is 1 + ⌊5k/n⌋, where n is the number of customers and k the number of
/// customers with a strictly worse value (a larger recency in days; a smaller frequency or spend), except that the
/// best value scores 5: nobody is better, so however many share it — a shop's only customer, or a base tied at
/// the top — they rank first. Equal values therefore always receive equal scores and the result does not depend on
/// input order. The work is three sorts, O(n log n).
public enum RFMAnalysis {
    /// Measures per customer from transactions, ignoring those after `referenceDate`.
    ///
    /// Customers appear in order of their first transaction in the input.
    public static func measures(from transactions: [Transaction], referenceDate: CalendarDate) -> [RFMMeasures] {
        let referenceDay = referenceDate.daysSinceEpoch
        var numbering = CustomerNumbering()
        var purchases: [DatedAmount] = []
        purchases.reserveCapacity(transactions.count)
        for transaction in transactions {
            let day = transaction.date.daysSinceEpoch
            guard day <= referenceDay else { continue }
            let index = numbering.number(of: transaction.customerID)
            purchases.append(DatedAmount(customer: index, day: Int32(day), amount: transaction.amount))
        }
        let groups = PurchasesByCustomer(purchases, customerCount: numbering.identifiers.count)
        return numbering.identifiers.indices.map { customer in
            let range = groups.purchases(of: customer)
            var purchaseDays = 0
            var lastDay = Int32.min
            var spend = 0.0
            for index in range {
                if groups.days[index] != lastDay { purchaseDays += 1 }
                lastDay = groups.days[index]
                spend += groups.amounts[index]
            }
            return RFMMeasures(
                customerID: numbering.identifiers[customer], recencyDays: referenceDay - Int(lastDay),
                frequency: purchaseDays,
                monetary: spend)
        }
    }

    /// Scores and segments every customer, in input order.
    public static func analyze(_ measures: [RFMMeasures]) -> [RFMResult] {
        let recency = quintileScores(measures.map { Double($0.recencyDays) }, higherIsBetter: false)
        let frequency = quintileScores(measures.map { Double($0.frequency) }, higherIsBetter: true)
        let monetary = quintileScores(measures.map(\.monetary), higherIsBetter: true)
        return measures.indices.map { index in
            let score = RFMScore(recency: recency[index], frequency: frequency[index], monetary: monetary[index])
            return RFMResult(measures: measures[index], score: score, segment: score.segment)
        }
    }

    /// The score of a value that `worse` of `count` customers' values are strictly worse than and `better` strictly
    /// better than: 5 when none is better, else 1 + ⌊5 · worse / count⌋.
    ///
    /// One customer's score needs only these counts, not the whole sorted base.
    public static func quintileScore(worse: Int, better: Int, count: Int) -> Int {
        better == 0 ? 5 : 1 + (5 * worse) / count
    }

    /// Quintile scores 1…5 by rank, with equal values scored equally (see ``RFMAnalysis``).
    public static func quintileScores(_ values: [Double], higherIsBetter: Bool) -> [Int] {
        let count = values.count
        guard count > 0 else { return [] }
        // Sorting (value, position) pairs keeps the comparisons on contiguous memory.
        var order = values.enumerated().map { (value: $0.element, position: Int32(truncatingIfNeeded: $0.offset)) }
        order.sort { $0.value < $1.value }
        var scores = [Int](repeating: 0, count: count)
        var groupStart = 0
        while groupStart < count {
            let value = order[groupStart].value
            var groupEnd = groupStart + 1
            while groupEnd < count, order[groupEnd].value == value { groupEnd += 1 }
            let worse = higherIsBetter ? groupStart : count - groupEnd
            let better = higherIsBetter ? count - groupEnd : groupStart
            let score = quintileScore(worse: worse, better: better, count: count)
            for index in groupStart..<groupEnd { scores[Int(order[index].position)] = score }
            groupStart = groupEnd
        }
        return scores
    }
}
