import PatronCore

/// A member of staff as stored: never the password, one-time-code secret or recovery codes.
public struct StaffUser: Sendable, Hashable {
    public var id: String
    public var email: String
    public var role: StaffRole
    /// The stores this person may act for; `nil` for every store.
    public var stores: Set<String>?
    public var status: StaffStatus
    public var hasSecondFactor: Bool
    /// Locked after too many failed sign-ins, until someone who manages the account lifts it.
    public var isLockedOut: Bool
    public var createdAt: Timestamp
}

/// A new account, or an old one whose second factor was reset: the link that sets it up is shown once.
public struct StaffInvitation: Sendable {
    public var user: StaffUser
    /// Put into the set-up address; only its hash is stored.
    public var setupToken: String
    public var expiresAt: Timestamp
}

/// What the person opening a set-up link sees: who they are, and the secret for the authenticator app.
public struct StaffSetup: Sendable {
    public var user: StaffUser
    /// Base32, as authenticator apps take it by hand.
    public var oneTimeCodeSecret: String
    public var provisioningURI: String
}

/// A signed-in staff session. The token goes in a cookie and is stored only as a hash; the CSRF token must come
/// back in a header (or form field) with every write made through the cookie.
public struct StaffSession: Sendable {
    public var user: StaffUser
    public var token: String?
    public var csrfToken: String
    public var startedAt: Timestamp
    public var expiresAt: Timestamp
}
