/// A customer's single profile across channels, with personal data in the clear (it is encrypted
/// only at rest).
public struct Member: Sendable, Hashable {
    public var id: String
    public var externalID: String?
    public var status: MemberStatus
    public var tier: String?
    public var name: String?
    public var email: String?
    public var phone: String?
    public var birthday: CalendarDate?
    public var attributes: [String: JSONValue]
    public var joinedAt: Timestamp
    public var createdAt: Timestamp
    public var updatedAt: Timestamp

    public init(
        id: String, externalID: String?, status: MemberStatus, tier: String?, name: String?, email: String?,
        phone: String?, birthday: CalendarDate?, attributes: [String: JSONValue], joinedAt: Timestamp,
        createdAt: Timestamp, updatedAt: Timestamp
    ) {
        self.id = id
        self.externalID = externalID
        self.status = status
        self.tier = tier
        self.name = name
        self.email = email
        self.phone = phone
        self.birthday = birthday
        self.attributes = attributes
        self.joinedAt = joinedAt
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}

/// The kinds of identity a member can be found by.
public enum IdentityKind: String, Sendable, Hashable, CaseIterable {
    case email
    case phone
}

/// Why a member operation was refused.
public enum MemberError: Error, Sendable, Hashable {
    case notFound(memberID: String)
    /// The email or phone already identifies another member.
    case identityTaken(kind: IdentityKind, ownerID: String)
    /// The member was erased: nothing more is recorded about them.
    case erased(memberID: String)
}
