/// Chooses `count` of `candidates` at random, reproducibly: the same candidates and seed always give the same
/// choice, in the same order. Candidates are sorted first, so the order they arrive in does not matter.
public enum SeededSelection {
    public static func choose(_ count: Int, from candidates: [String], seed: UInt64) -> [String] {
        var pool = candidates.sorted()
        var generator = SplitMix64(state: seed)
        let chosen = min(max(count, 0), pool.count)
        // The first `chosen` steps of a Fisher–Yates shuffle.
        for index in 0..<chosen {
            let offset = Int(generator.next(below: UInt64(pool.count - index)))
            pool.swapAt(index, index + offset)
        }
        return Array(pool.prefix(chosen))
    }
}

/// A small, fully specified generator (Steele, Lea and Flood's SplitMix64), so a seed means the same
/// everywhere and in every release.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    var state: UInt64

    public init(state: UInt64) {
        self.state = state
    }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var value = state
        value = (value ^ (value >> 30)) &* 0xBF58_476D_1CE4_E5B9
        value = (value ^ (value >> 27)) &* 0x94D0_49BB_1331_11EB
        return value ^ (value >> 31)
    }

    /// Uniform in `0..<bound` (rejection sampling, no modulo bias).
    mutating func next(below bound: UInt64) -> UInt64 {
        let threshold = (0 &- bound) % bound
        while true {
            let value = next()
            if value >= threshold { return value % bound }
        }
    }
}
