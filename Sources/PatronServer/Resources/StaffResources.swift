import PatronCore
import PatronStore

/// A member of staff as the API shows them.
struct StaffUserResource: Encodable {
    let user: StaffUser

    private enum CodingKeys: String, CodingKey {
        case userID = "user_id"
        case email, role, permissions, stores, status
        case hasSecondFactor = "has_second_factor"
        case lockedOut = "locked_out"
        case createdAt = "created_at"
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(user.id, forKey: .userID)
        try container.encode(user.email, forKey: .email)
        try container.encode(user.role.name, forKey: .role)
        try container.encode(user.role.permissions.map(\.rawValue).sorted(), forKey: .permissions)
        try container.encode(user.stores?.sorted(), forKey: .stores)
        try container.encode(user.status.rawValue, forKey: .status)
        try container.encode(user.hasSecondFactor, forKey: .hasSecondFactor)
        try container.encode(user.isLockedOut, forKey: .lockedOut)
        try container.encode(user.createdAt, forKey: .createdAt)
    }
}

/// A role: built in or custom, with what it permits.
struct StaffRoleResource: Encodable {
    let role: StaffRole

    private enum CodingKeys: String, CodingKey {
        case name, permissions
        case adjustmentLimit = "adjustment_limit"
        case builtIn = "built_in"
        case requiresSecondFactor = "requires_second_factor"
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(role.name, forKey: .name)
        try container.encode(role.permissions.map(\.rawValue).sorted(), forKey: .permissions)
        try container.encode(role.adjustmentLimit, forKey: .adjustmentLimit)
        try container.encode(StaffRole.builtIn(named: role.name) != nil, forKey: .builtIn)
        try container.encode(role.requiresTwoFactor, forKey: .requiresSecondFactor)
    }
}

/// An invitation or a second-factor reset: the account and the set-up address, shown this once.
struct StaffInvitationResource: Encodable {
    let invitation: StaffInvitation
    let setupURL: String

    private enum CodingKeys: String, CodingKey {
        case user
        case setupURL = "setup_url"
        case setupExpiresAt = "setup_expires_at"
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(StaffUserResource(user: invitation.user), forKey: .user)
        try container.encode(setupURL, forKey: .setupURL)
        try container.encode(invitation.expiresAt, forKey: .setupExpiresAt)
    }
}

/// Who a request acts for, as `GET /v1/auth/session` shows it.
struct PrincipalResource: Encodable {
    let principal: Principal

    private enum CodingKeys: String, CodingKey {
        case kind, user, permissions, stores
        case keyID = "key_id"
        case memberID = "member_id"
        case csrfToken = "csrf_token"
        case expiresAt = "expires_at"
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(principal.permissions.map(\.rawValue).sorted(), forKey: .permissions)
        try container.encode(principal.stores?.sorted(), forKey: .stores)
        switch principal {
        case .apiKey(let key):
            try container.encode("api_key", forKey: .kind)
            try container.encode(key.id, forKey: .keyID)
        case .member(let memberID):
            try container.encode("member", forKey: .kind)
            try container.encode(memberID, forKey: .memberID)
        case .staff(let session):
            try container.encode("staff", forKey: .kind)
            try container.encode(StaffUserResource(user: session.user), forKey: .user)
            try container.encode(session.csrfToken, forKey: .csrfToken)
            try container.encode(session.expiresAt, forKey: .expiresAt)
        }
    }
}

/// What a set-up link shows before it is used.
struct StaffSetupResource: Encodable {
    let setup: StaffSetup

    private enum CodingKeys: String, CodingKey {
        case user
        case oneTimeCodeSecret = "one_time_code_secret"
        case provisioningURI = "provisioning_uri"
        case requiresSecondFactor = "requires_second_factor"
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(StaffUserResource(user: setup.user), forKey: .user)
        try container.encode(setup.oneTimeCodeSecret, forKey: .oneTimeCodeSecret)
        try container.encode(setup.provisioningURI, forKey: .provisioningURI)
        try container.encode(setup.user.role.requiresTwoFactor, forKey: .requiresSecondFactor)
    }
}

/// A completed set-up: the account, and its recovery codes when a second factor was enrolled.
struct SetupResultResource: Encodable {
    let user: StaffUser
    let recoveryCodes: [String]?

    private enum CodingKeys: String, CodingKey {
        case user
        case recoveryCodes = "recovery_codes"
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(StaffUserResource(user: user), forKey: .user)
        try container.encode(recoveryCodes, forKey: .recoveryCodes)
    }
}
