import PatronStore

/// What an import (or one batch of it) did; a batch's refusals are in line order.
struct ImportTotals: Sendable {
    /// A row that did not apply, for the error report.
    struct Refusal: Sendable {
        let line: Int
        let reason: String
    }

    var granted = 0
    var duplicate = 0
    var refused = 0
    var refusals: [Refusal] = []

    init() {}

    init(_ grants: [PointGrant], _ outcomes: [GrantOutcome], unreadable: [Refusal]) {
        var refusals = unreadable
        for (grant, outcome) in zip(grants, outcomes) {
            switch outcome {
            case .granted: granted += 1
            case .duplicate: duplicate += 1
            case .refused(let reason): refusals.append(Refusal(line: grant.line, reason: reason))
            }
        }
        self.refusals = refusals.sorted { $0.line < $1.line }
        refused = refusals.count
    }

    /// Adds a batch's counts (its refusals are reported, not kept).
    mutating func add(_ batch: ImportTotals) {
        granted += batch.granted
        duplicate += batch.duplicate
        refused += batch.refused
    }
}
