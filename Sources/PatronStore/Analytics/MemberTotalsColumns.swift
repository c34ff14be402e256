import Synchronization

/// Per-member totals in columns and without member ids: what scoring a whole base needs, a million members in
/// 20 MB instead of the hundreds a record with an id per member takes.
struct MemberTotalsColumns: Sendable {
    var firstDay: [Int32] = []
    var lastDay: [Int32] = []
    var purchaseDays: [Int32] = []
    var revenueMinor: [Int64] = []

    var count: Int { firstDay.count }

    mutating func append(_ totals: MemberPurchaseTotals) {
        firstDay.append(Int32(truncatingIfNeeded: totals.firstDay))
        lastDay.append(Int32(truncatingIfNeeded: totals.lastDay))
        purchaseDays.append(Int32(clamping: totals.purchaseDays))
        revenueMinor.append(totals.revenueMinor)
    }

    /// A refunded member's totals before refunds, and their revenue after.
    struct RefundCorrection: Hashable, Sendable {
        var firstDay: Int32
        var lastDay: Int32
        var purchaseDays: Int32
        var grossRevenueMinor: Int64
        var netRevenueMinor: Int64
    }

    /// Takes refunds off the revenue of the members in `corrections`, read before refunds. The columns hold no ids,
    /// and need none: members with equal totals are interchangeable in the scales and counts, so any row equal to a
    /// refunded member's totals before refunds can take their revenue after. One hash look-up per row, and nothing
    /// at all without refunds, instead of a join per member in SQL.
    mutating func takeOffRefunds(_ corrections: [RefundCorrection]) {
        guard !corrections.isEmpty else { return }
        struct Key: Hashable {
            var firstDay, lastDay, purchaseDays: Int32
            var revenueMinor: Int64
        }
        var pending: [Key: [Int64]] = [:]
        for correction in corrections {
            let key = Key(
                firstDay: correction.firstDay, lastDay: correction.lastDay, purchaseDays: correction.purchaseDays,
                revenueMinor: correction.grossRevenueMinor)
            pending[key, default: []].append(correction.netRevenueMinor)
        }
        for index in revenueMinor.indices {
            let key = Key(
                firstDay: firstDay[index], lastDay: lastDay[index], purchaseDays: purchaseDays[index],
                revenueMinor: revenueMinor[index])
            guard let net = pending[key]?.popLast() else { continue }
            revenueMinor[index] = net
            if pending[key]?.isEmpty == true { pending[key] = nil }
            if pending.isEmpty { return }
        }
    }

    mutating func append(contentsOf other: MemberTotalsColumns) {
        firstDay += other.firstDay
        lastDay += other.lastDay
        purchaseDays += other.purchaseDays
        revenueMinor += other.revenueMinor
    }
}

/// What a row callback gathers, behind a lock since drivers may call back on their own threads, with the first
/// error the callback met.
final class RowGathering<Value: Sendable>: Sendable {
    private let state: Mutex<(value: Value, error: (any Error)?)>

    init(_ value: Value) {
        state = Mutex((value, nil))
    }

    /// Adds to the value; an error is kept and the rows after it are ignored.
    func add(_ body: (inout Value) throws -> Void) {
        state.withLock { state in
            guard state.error == nil else { return }
            do { try body(&state.value) } catch { state.error = error }
        }
    }

    /// The value gathered, or the error met.
    func result() throws -> Value {
        try state.withLock { state in
            if let error = state.error { throw error }
            return state.value
        }
    }
}
