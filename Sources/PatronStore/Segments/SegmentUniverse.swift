import PatronCore

/// Every member a segment may hold — all but the erased — by id, with the facts kept on the member row: the
/// positions `MemberSet` counts in.
struct SegmentUniverse: Sendable {
    var memberIDs: [String] = []
    var tiers: [String] = []
    var joinedAt: [Int64] = []
    private(set) var positions: [String: Int] = [:]

    mutating func reserve(_ count: Int) {
        memberIDs.reserveCapacity(count)
        tiers.reserveCapacity(count)
        joinedAt.reserveCapacity(count)
        positions.reserveCapacity(count)
    }

    mutating func append(memberID: String, tier: String, joinedAt joined: Int64) {
        positions[memberID] = memberIDs.count
        memberIDs.append(memberID)
        tiers.append(tier)
        joinedAt.append(joined)
    }

    var count: Int { memberIDs.count }

    /// The members whose own value passes `test`.
    func members(where test: (Int) -> Bool) -> MemberSet {
        var set = MemberSet.none(count)
        for position in 0..<count where test(position) { set.insert(position) }
        return set
    }

    /// The members holding for `range` given a value per member from `rows`, and `absent` for members without a
    /// row (no orders, no tickets: 0; no last order: nil, which never holds).
    func members(_ rows: [(memberID: String, value: Double)], absent: Double?, in range: NumberRange) -> MemberSet {
        var present = MemberSet.none(count)
        var matching = MemberSet.none(count)
        for row in rows {
            guard let position = positions[row.memberID] else { continue }
            present.insert(position)
            if range.contains(row.value) { matching.insert(position) }
        }
        if let absent, range.contains(absent) { matching.formUnion(present.complement) }
        return matching
    }

    /// The members among `memberIDs`.
    func members(among memberIDs: some Sequence<String>) -> MemberSet {
        var set = MemberSet.none(count)
        for memberID in memberIDs {
            if let position = positions[memberID] { set.insert(position) }
        }
        return set
    }
}
