import PatronCore

/// A member as the API shows it.
struct MemberResource: Encodable {
    let member: Member

    private enum CodingKeys: String, CodingKey {
        case memberID = "member_id"
        case externalID = "external_id"
        case status, tier, name, email, phone, birthday, attributes
        case joinedAt = "joined_at"
        case createdAt = "created_at"
        case updatedAt = "updated_at"
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(member.id, forKey: .memberID)
        try container.encode(member.externalID, forKey: .externalID)
        try container.encode(member.status, forKey: .status)
        try container.encode(member.tier, forKey: .tier)
        try container.encode(member.name, forKey: .name)
        try container.encode(member.email, forKey: .email)
        try container.encode(member.phone, forKey: .phone)
        try container.encode(member.birthday, forKey: .birthday)
        try container.encode(member.attributes, forKey: .attributes)
        try container.encode(member.joinedAt, forKey: .joinedAt)
        try container.encode(member.createdAt, forKey: .createdAt)
        try container.encode(member.updatedAt, forKey: .updatedAt)
    }
}

/// One page of a list, with the cursor of the next.
struct PageResource<Item: Encodable>: Encodable {
    let data: [Item]
    let nextCursor: String?

    private enum CodingKeys: String, CodingKey {
        case data
        case nextCursor = "next_cursor"
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(data, forKey: .data)
        try container.encode(nextCursor, forKey: .nextCursor)
    }
}
