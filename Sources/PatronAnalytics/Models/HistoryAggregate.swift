/// Identical purchase histories merged into one row with a count, so a likelihood is evaluated once per
/// distinct history: with many customers most histories repeat, which makes fitting far cheaper.
///
/// Times are also interned when they repeat: a likelihood needs log(α + T) and log(α + tₓ), and where times are
/// recorded in whole days there are far fewer distinct times than histories, so those logarithms are computed once
/// per time. Where times are exact instants nearly every one is distinct; each row then keeps its own, in row order,
/// so the likelihood reads them in sequence instead of gathering them from a table.
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
    /// The distinct recencies, ascending, or every row's recency when most are distinct.
    var recencies: [Double]
    /// The distinct ages, ascending, or every row's age when most are distinct.
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

    /// The distinct values, ascending, and the position of each value among them; the values themselves and their
    /// own positions when most of them are distinct (a table would save little and cost a random read).
    private static func intern(_ values: [Double]) -> (distinct: [Double], index: [Int32]) {
        guard repeatOften(values) else { return (values, (0..<values.count).map { Int32($0) }) }
        var distinct = values.sorted()
        var kept = 0
        for value in distinct where kept == 0 || distinct[kept - 1] != value {
            distinct[kept] = value
            kept += 1
        }
        distinct.removeLast(distinct.count - kept)
        return (distinct, values.map { Self.position(of: $0, in: distinct) })
    }

    /// Whether fewer than half of 4,096 evenly spaced values are distinct: telling the two kinds of data apart takes
    /// no more, and it costs nothing next to the fit.
    private static func repeatOften(_ values: [Double]) -> Bool {
        let sampleSize = 4_096
        guard values.count > sampleSize else { return Set(values).count * 2 < values.count }
        let stride = values.count / sampleSize
        return Set((0..<sampleSize).map { values[$0 * stride] }).count * 2 < sampleSize
    }

    /// The position of `value` in the ascending `distinct`, which holds it.
    private static func position(of value: Double, in distinct: [Double]) -> Int32 {
        var low = 0
        var high = distinct.count - 1
        while low < high {
            let middle = (low + high) / 2
            if distinct[middle] < value { low = middle + 1 } else { high = middle }
        }
        return Int32(low)
    }
}
