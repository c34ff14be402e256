/// What a request says about a member: any subset of the profile, already normalised.
///
/// Used for creating and updating members, for the `member` of an order and for `identify` traits.
/// A `nil` field means "not given"; attribute values of JSON `null` remove that attribute.
public struct MemberProfile: Sendable, Hashable {
    public var externalID: String?
    public var name: String?
    public var email: EmailAddress?
    public var phone: PhoneNumber?
    public var birthday: CalendarDate?
    public var status: MemberStatus?
    public var attributes: [String: JSONValue]?

    public init(
        externalID: String? = nil, name: String? = nil, email: EmailAddress? = nil, phone: PhoneNumber? = nil,
        birthday: CalendarDate? = nil, status: MemberStatus? = nil, attributes: [String: JSONValue]? = nil
    ) {
        self.externalID = externalID
        self.name = name
        self.email = email
        self.phone = phone
        self.birthday = birthday
        self.status = status
        self.attributes = attributes
    }

    /// True when the profile names a way to find the member again.
    public var hasIdentity: Bool { externalID != nil || email != nil || phone != nil }

    /// Reads the profile fields of `reader`'s object, recording errors there.
    /// `externalIDKey` lets `identify` traits read the id from elsewhere.
    public static func read(from reader: inout FieldReader, externalIDKey: String? = "external_id") -> MemberProfile {
        var profile = MemberProfile()
        if let externalIDKey, let externalID = reader.string(externalIDKey, maxLength: 128) {
            let trimmed = externalID.trimmingWhitespace()
            if trimmed.isEmpty { reader.fail(externalIDKey, "must not be empty") } else { profile.externalID = trimmed }
        }
        if let name = reader.string("name", maxLength: 200) {
            profile.name = name.trimmingWhitespace()
        }
        if let email = reader.string("email", maxLength: 254) {
            if let parsed = EmailAddress(email) {
                profile.email = parsed
            } else {
                reader.fail("email", "must be an email address")
            }
        }
        if let phone = reader.string("phone", maxLength: 32) {
            if let parsed = PhoneNumber(phone) {
                profile.phone = parsed
            } else {
                reader.fail("phone", "must be a phone number, with +country code unless it is a Chinese number")
            }
        }
        if let birthday = reader.string("birthday", maxLength: 10) {
            if let parsed = CalendarDate(iso: birthday) {
                profile.birthday = parsed
            } else {
                reader.fail("birthday", "must be a date YYYY-MM-DD")
            }
        }
        if let status = reader.string("status", maxLength: 32) {
            if let parsed = MemberStatus(rawValue: status), MemberStatus.settable.contains(parsed) {
                profile.status = parsed
            } else {
                reader.fail("status", "must be one of \(MemberStatus.settable.map(\.rawValue).joined(separator: ", "))")
            }
        }
        if let attributes = reader.object("attributes") { profile.attributes = attributes }
        return profile
    }
}

/// Whether a member takes part in the program.
public enum MemberStatus: String, Sendable, Hashable, Codable, CaseIterable {
    case active
    case suspended
    /// Forgotten at the person's request: a tombstone that keeps the books, with no personal data.
    case erased

    /// The statuses a profile update may set; only an erasure erases.
    public static let settable: [MemberStatus] = [.active, .suspended]
}

extension [String: JSONValue] {
    /// Shallow merge: given keys replace, `null` removes.
    public func merging(attributes update: [String: JSONValue]) -> [String: JSONValue] {
        var merged = self
        for (key, value) in update {
            if value == .null { merged[key] = nil } else { merged[key] = value }
        }
        return merged
    }
}
