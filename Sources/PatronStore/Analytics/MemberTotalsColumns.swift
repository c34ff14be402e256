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
