/// The quintile scores of one measure over a whole customer base, kept as the base's sorted values, so that any one
/// customer is scored later by a binary search exactly as ``RFMAnalysis/quintileScores(_:higherIsBetter:)`` scores
/// them among the base: 1 + ⌊5k/n⌋, with k the values strictly below theirs, and 5 for the best value. Higher
/// values are better.
///
/// A million customers' scales take 8 MB per measure and no identifiers, so a server can score a page of members
/// and count the segments of the whole base without holding every customer's record.
public struct QuintileScale: Sendable {
    private let sorted: [Int64]

    /// The scale of `values`, in any order.
    public init(_ values: [Int64]) {
        sorted = values.sorted()
    }

    /// How many values the scale was made of.
    public var count: Int { sorted.count }

    /// The score 1…5 of `value`; 1 on an empty scale, 5 at or beyond its best value.
    public func score(of value: Int64) -> Int {
        guard let best = sorted.last else { return 1 }
        if value >= best { return 5 }
        var low = 0
        var high = sorted.count
        while low < high {
            let middle = (low + high) / 2
            if sorted[middle] < value { low = middle + 1 } else { high = middle }
        }
        // Some value is better, since this one is below the best.
        return min(RFMAnalysis.quintileScore(worse: low, better: 1, count: sorted.count), 5)
    }
}

extension QuintileScale {
    /// The scale reduced to the lowest value of each score 2…5: it scores every value exactly as the scale does, in
    /// 32 bytes, so it can be kept with a snapshot and a member scored later without the base.
    public var boundaries: QuintileBoundaries {
        guard let best = sorted.last else {
            return QuintileBoundaries(lowestOfScore: [Int64](repeating: .max, count: 4))
        }
        // A score changes only just above a value of the base (one more is strictly below) or at the best value.
        var lowest = [Int64](repeating: best, count: 4)
        var previous: Int64?
        for value in sorted where value != previous && value < best {
            previous = value
            let score = score(of: value + 1)
            for rank in 2...5 where score >= rank { lowest[rank - 2] = min(lowest[rank - 2], value + 1) }
        }
        return QuintileBoundaries(lowestOfScore: lowest)
    }
}

/// A quintile scale as the lowest value of each score 2…5 (see ``QuintileScale/boundaries``).
public struct QuintileBoundaries: Sendable, Hashable, Codable {
    /// Ascending; `Int64.max` for a score no value reaches.
    public var lowestOfScore: [Int64]

    public init(lowestOfScore: [Int64]) {
        self.lowestOfScore = lowestOfScore
    }

    /// The score 1…5 of `value`.
    public func score(of value: Int64) -> Int {
        1 + lowestOfScore.count { $0 <= value }
    }
}
