import PatronCore
import PatronStore

/// Who a request acts for: an API key, a member of staff signed in with a session cookie, or a member through a
/// token the brand's app holds. A member holds no permission: member routes let a member's token in for that
/// member alone.
public enum Principal: Sendable {
    case apiKey(APIKey)
    case staff(StaffSession)
    case member(String)

    public var permissions: Set<Scope> {
        switch self {
        case .apiKey(let key): key.scopes
        case .staff(let session): session.user.role.permissions
        case .member: []
        }
    }

    /// The stores this principal may act for; `nil` for every store.
    public var stores: Set<String>? {
        switch self {
        case .apiKey(let key): key.stores
        case .staff(let session): session.user.stores
        case .member: []
        }
    }

    /// Recorded as the actor of ledger entries and in the audit log: an id, never a name or an email.
    public var actorID: String {
        switch self {
        case .apiKey(let key): key.id
        case .staff(let session): session.user.id
        case .member(let memberID): memberID
        }
    }

    /// The role whose rules apply to managing staff; an API key acts with the permissions it holds.
    var managingRole: StaffRole {
        switch self {
        case .apiKey(let key): StaffRole(name: "api key \(key.id)", permissions: key.scopes)
        case .staff(let session): session.user.role
        case .member: StaffRole(name: "member", permissions: [])
        }
    }

    /// The most points one manual adjustment may move; `nil` when unlimited.
    var adjustmentLimit: Int64? {
        switch self {
        case .apiKey, .member: nil
        case .staff(let session): session.user.role.adjustmentLimit
        }
    }
}
