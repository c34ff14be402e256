import PatronStore

/// Applies an import file's rows in batches of `batchSize` rows, writing one batch while the next is read
/// (batches still apply one after another, in file order), and reports each refused row by line.
struct BatchedImport<Item: Sendable> {
    let batchSize: Int
    /// Where refusals go: this file, or standard error.
    let errors: String?

    func run(
        _ rows: some ImportRowSource<Item>, line: @escaping @Sendable (Item) -> Int,
        apply: @escaping @Sendable ([Item]) async throws -> [ImportOutcome]
    ) async throws -> ImportTotals {
        var report = ErrorReport(path: errors)
        var totals = ImportTotals()
        // Rows read since the last batch went out: items, and the rows that could not be read.
        var items: [Item] = []
        var unreadable: [ImportTotals.Refusal] = []
        var writing: Task<ImportTotals, any Error>?
        func settle() async throws {
            guard let task = writing else { return }
            writing = nil
            let batch = try await task.value
            for refusal in batch.refusals { report.write("line \(refusal.line): \(refusal.reason)") }
            totals.add(batch)
        }
        func flush() async throws {
            try await settle()
            let (batch, unread) = (items, unreadable)
            writing = Task {
                let outcomes = batch.isEmpty ? [] : try await apply(batch)
                return ImportTotals(lines: batch.map(line), outcomes, unreadable: unread)
            }
            items.removeAll(keepingCapacity: true)
            unreadable.removeAll(keepingCapacity: true)
        }
        while let row = try rows.next() {
            switch row {
            case .item(let item): items.append(item)
            case .refused(let line, let reason): unreadable.append(.init(line: line, reason: reason))
            }
            if items.count + unreadable.count >= batchSize { try await flush() }
        }
        if !items.isEmpty || !unreadable.isEmpty { try await flush() }
        try await settle()
        return totals
    }
}
