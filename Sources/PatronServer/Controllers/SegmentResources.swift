import PatronCore
import PatronStore

/// A saved segment's version in force, as the API shows it: the rule exactly as written.
struct SegmentResource: Encodable {
    let segment: SavedSegment

    private enum CodingKeys: String, CodingKey {
        case version, name, rule
        case segmentID = "segment_id"
        case createdBy = "created_by"
        case createdAt = "created_at"
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(segment.segmentID, forKey: .segmentID)
        try container.encode(segment.version, forKey: .version)
        try container.encode(segment.definition.name, forKey: .name)
        try container.encode(segment.source["rule"] ?? .null, forKey: .rule)
        try container.encode(segment.createdBy, forKey: .createdBy)
        try container.encode(segment.createdAt, forKey: .createdAt)
    }
}

/// Who is in a segment at a moment: the count, and a page of member ids.
struct SegmentMembersResource: Encodable {
    let segmentID: String?
    let version: Int64?
    let members: SegmentMembers
    let page: [String]
    let nextCursor: String?

    private enum CodingKeys: String, CodingKey {
        case version, count, universe, data
        case segmentID = "segment_id"
        case evaluatedAt = "evaluated_at"
        case nextCursor = "next_cursor"
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeIfPresent(segmentID, forKey: .segmentID)
        try container.encodeIfPresent(version, forKey: .version)
        try container.encode(members.memberIDs.count, forKey: .count)
        try container.encode(members.universe, forKey: .universe)
        try container.encode(members.evaluatedAt, forKey: .evaluatedAt)
        try container.encode(page.map { ["member_id": $0] }, forKey: .data)
        try container.encode(nextCursor, forKey: .nextCursor)
    }
}
