import PatronStore

/// What an import (or one batch of it) did; a batch's refusals are in line order.
struct ImportTotals: Sendable {
    /// A row that did not apply, for the error report.
    struct Refusal: Sendable {
        let line: Int
        let reason: String
    }

    var applied = 0
    var duplicate = 0
    var refused = 0
    var refusals: [Refusal] = []

    init() {}

    /// A batch's counts from the outcome of the row starting on each of `lines`.
    init(lines: [Int], _ outcomes: [ImportOutcome], unreadable: [Refusal]) {
        var refusals = unreadable
        for (line, outcome) in zip(lines, outcomes) {
            switch outcome {
            case .applied: applied += 1
            case .duplicate: duplicate += 1
            case .refused(let reason): refusals.append(Refusal(line: line, reason: reason))
            }
        }
        self.refusals = refusals.sorted { $0.line < $1.line }
        refused = refusals.count
    }

    /// Adds a batch's counts (its refusals are reported, not kept).
    mutating func add(_ batch: ImportTotals) {
        applied += batch.applied
        duplicate += batch.duplicate
        refused += batch.refused
    }
}
