/// Who belongs to a segment: conditions on what Patron knows of a member, combined with all, any and not.
/// A segment is data (`SegmentDefinition`), saved in versions; the store finds, for each condition, the members
/// it holds for, and `members(in:matching:)` combines those sets as the rule says.
public indirect enum SegmentRule: Sendable, Hashable {
    case all([SegmentRule])
    case any([SegmentRule])
    case not(SegmentRule)
    case condition(SegmentCondition)

    /// Every condition of the rule, each once, in the order written.
    public var conditions: [SegmentCondition] {
        var found: [SegmentCondition] = []
        func walk(_ rule: SegmentRule) {
            switch rule {
            case .all(let rules), .any(let rules): rules.forEach(walk)
            case .not(let rule): walk(rule)
            case .condition(let condition): if !found.contains(condition) { found.append(condition) }
            }
        }
        walk(self)
        return found
    }

    /// The members of `universe` the rule selects, given the members each condition holds for: `all` of nothing
    /// is everyone, `any` of nothing is no one, `not` is everyone else of the universe.
    public func members(in universe: Int, matching holds: (SegmentCondition) -> MemberSet) -> MemberSet {
        switch self {
        case .all(let rules):
            var set = MemberSet.everyone(universe)
            for rule in rules { set.formIntersection(rule.members(in: universe, matching: holds)) }
            return set
        case .any(let rules):
            var set = MemberSet.none(universe)
            for rule in rules { set.formUnion(rule.members(in: universe, matching: holds)) }
            return set
        case .not(let rule):
            return rule.members(in: universe, matching: holds).complement
        case .condition(let condition):
            return holds(condition)
        }
    }
}

/// A set of members given by their positions in a list of every member (the universe), one bit each: a million
/// members take 125 KB, and combining two sets is a pass over words.
public struct MemberSet: Sendable, Hashable {
    public let universe: Int
    private var words: [UInt64]

    public static func none(_ universe: Int) -> MemberSet {
        MemberSet(universe: universe, words: [UInt64](repeating: 0, count: (universe + 63) / 64))
    }

    public static func everyone(_ universe: Int) -> MemberSet { none(universe).complement }

    public mutating func insert(_ position: Int) {
        words[position >> 6] |= 1 << UInt64(position & 63)
    }

    public func contains(_ position: Int) -> Bool {
        words[position >> 6] & (1 << UInt64(position & 63)) != 0
    }

    public var count: Int { words.reduce(0) { $0 + $1.nonzeroBitCount } }

    /// The positions in the set, in increasing order.
    public var positions: [Int] {
        var positions: [Int] = []
        positions.reserveCapacity(count)
        for (index, word) in words.enumerated() where word != 0 {
            var bits = word
            while bits != 0 {
                positions.append(index << 6 + bits.trailingZeroBitCount)
                bits &= bits - 1
            }
        }
        return positions
    }

    public mutating func formIntersection(_ other: MemberSet) {
        for index in words.indices { words[index] &= other.words[index] }
    }

    public mutating func formUnion(_ other: MemberSet) {
        for index in words.indices { words[index] |= other.words[index] }
    }

    public var complement: MemberSet {
        var set = MemberSet(universe: universe, words: words.map { ~$0 })
        // Bits past the universe stay clear, so counts and positions see members only.
        let spare = set.words.count * 64 - universe
        if spare > 0 { set.words[set.words.count - 1] &= ~UInt64(0) >> UInt64(spare) }
        return set
    }
}
