/// The header line of a CSV file: finds the position of named columns.
public struct CSVHeader: Sendable, Hashable {
    /// The column names as written.
    public let names: [String]

    /// Creates a header from the first record's fields (surrounding spaces are ignored).
    public init(_ names: [String]) {
        self.names = names.map { String($0.trimmingCharacters()) }
    }

    /// The index of the first column whose name is one of `candidates`, matched exactly and then ignoring case.
    ///
    /// - Throws: ``InputError/missingColumn(name:available:)`` naming the first candidate.
    public func index(of candidates: String...) throws(InputError) -> Int {
        try index(ofAny: candidates)
    }

    /// The index of the first column whose name is one of `candidates`.
    public func index(ofAny candidates: [String]) throws(InputError) -> Int {
        for candidate in candidates {
            if let index = names.firstIndex(of: candidate) { return index }
        }
        for candidate in candidates {
            if let index = names.firstIndex(where: { $0.lowercased() == candidate.lowercased() }) { return index }
        }
        throw .missingColumn(name: candidates.first ?? "", available: names)
    }
}

extension StringProtocol {
    /// The text without leading and trailing spaces and tabs.
    func trimmingCharacters() -> SubSequence {
        var start = startIndex
        var end = endIndex
        while start < end, self[start] == " " || self[start] == "\t" { start = index(after: start) }
        while end > start, self[index(before: end)] == " " || self[index(before: end)] == "\t" {
            end = index(before: end)
        }
        return self[start..<end]
    }
}
