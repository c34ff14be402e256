/// Identical purchase histories merged into one row with a count, so a likelihood is evaluated once per
/// distinct history: with many customers most histories repeat, which makes fitting far cheaper.
struct HistoryAggregate {
    struct Row {
        var history: PurchaseHistory
        var count: Double
    }

    /// Distinct histories sorted by frequency, so per-frequency quantities can be computed once.
    var rows: [Row]
    /// The distinct frequencies in ``rows``, ascending.
    var frequencies: [Int]
    /// For each row, its position in ``frequencies``.
    var frequencyIndex: [Int]
    var customerCount: Int

    init(_ histories: some Sequence<PurchaseHistory>) {
        var counts: [PurchaseHistory: Int] = [:]
        var total = 0
        for history in histories {
            counts[history, default: 0] += 1
            total += 1
        }
        var rows = counts.map { Row(history: $0.key, count: Double($0.value)) }
        rows.sort {
            ($0.history.frequency, $0.history.recency, $0.history.age)
                < ($1.history.frequency, $1.history.recency, $1.history.age)
        }
        var frequencies: [Int] = []
        var frequencyIndex: [Int] = []
        frequencyIndex.reserveCapacity(rows.count)
        for row in rows {
            if frequencies.last != row.history.frequency { frequencies.append(row.history.frequency) }
            frequencyIndex.append(frequencies.count - 1)
        }
        self.rows = rows
        self.frequencies = frequencies
        self.frequencyIndex = frequencyIndex
        self.customerCount = total
    }
}
