/// Identical purchase histories merged into one row with a count, so a likelihood is evaluated once per
/// distinct history: with many customers most histories repeat, which makes fitting far cheaper.
///
/// Times are also interned: a likelihood needs log(α + T) and log(α + tₓ), and there are far fewer distinct times
/// (whole days, in practice) than distinct histories, so those logarithms are computed once per time.
struct HistoryAggregate {
    struct Row {
        var history: PurchaseHistory
        var count: Double
    }

    /// Distinct histories sorted by frequency, recency and age, so the result does not depend on input order and
    /// per-frequency quantities can be computed once.
    var rows: [Row]
    /// The distinct frequencies in ``rows``, ascending.
    var frequencies: [Int]
    /// For each row, its position in ``frequencies``.
    var frequencyIndex: [Int]
    /// For each position in ``frequencies``, the rows with that frequency (they are contiguous).
    var frequencyRows: [Range<Int>]
    /// The distinct recencies, ascending.
    var recencies: [Double]
    /// The distinct ages, ascending.
    var ages: [Double]
    /// For each row, the position of its recency in ``recencies``.
    var recencyIndex: [Int32]
    /// For each row, the position of its age in ``ages``.
    var ageIndex: [Int32]
    var customerCount: Int

    init(_ histories: some Sequence<PurchaseHistory>) {
        var counter = KeyCounter()
        var total = 0
        for history in histories {
            counter.add(history.frequency, history.recency, history.age)
            total += 1
        }
        let keys = counter.keys().sorted { ($0.whole, $0.first, $0.second) < ($1.whole, $1.first, $1.second) }
        rows = keys.map {
            Row(
                history: PurchaseHistory(frequency: $0.whole, recency: $0.first, age: $0.second),
                count: Double($0.count))
        }
        frequencies = []
        frequencyIndex = []
        frequencyRows = []
        frequencyIndex.reserveCapacity(rows.count)
        for (position, row) in rows.enumerated() {
            if frequencies.last != row.history.frequency {
                if let last = frequencyRows.indices.last {
                    frequencyRows[last] = frequencyRows[last].lowerBound..<position
                }
                frequencies.append(row.history.frequency)
                frequencyRows.append(position..<rows.count)
            }
            frequencyIndex.append(frequencies.count - 1)
        }
        (recencies, recencyIndex) = Self.intern(rows.map(\.history.recency))
        (ages, ageIndex) = Self.intern(rows.map(\.history.age))
        customerCount = total
    }

    /// The distinct values, ascending, and the position of each value among them.
    private static func intern(_ values: [Double]) -> (distinct: [Double], index: [Int32]) {
        let distinct = Array(Set(values)).sorted()
        var positions: [Double: Int32] = [:]
        positions.reserveCapacity(distinct.count)
        for (position, value) in distinct.enumerated() { positions[value] = Int32(position) }
        return (distinct, values.map { positions[$0]! })
    }
}
