/// Who belongs to a segment: conditions on what Patron knows of a member, combined with all, any and not.
/// A segment is data (`SegmentDefinition`), saved in versions; the store evaluates it over every member as one
/// query (`all` of nothing is everyone, `any` of nothing no one).
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
}
