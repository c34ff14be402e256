/// Why a staff-access request was refused. Sign-in failures say nothing about which part was wrong, so a guesser
/// learns neither whether an account exists nor whether its password was right.
public enum StaffError: Error, Sendable, Hashable {
    case invalidEmail(String)
    case emailTaken
    case unknownRole(String)
    case roleNameTaken(String)
    case userNotFound(String)
    /// The acting person's role may not manage accounts of this role.
    case notPermitted(role: String)
    case setupLinkInvalid
    case weakPassword([PasswordProblem])
    /// Set-up for a role that needs a second factor must confirm a code from the authenticator app.
    case oneTimeCodeRequired
    case signInFailed
    /// The password was right; the account needs a one-time code or a recovery code as well.
    case secondFactorRequired
    /// The account's role needs a second factor and it has none: the account must finish set-up first.
    case secondFactorNotEnrolled
    case tooManyAttempts(retryAt: Timestamp)
    case lockedOut
}

extension StaffError: CustomStringConvertible {
    public var description: String {
        switch self {
        case .invalidEmail(let text): "'\(text)' is not an email address"
        case .emailTaken: "a staff account with this email exists"
        case .unknownRole(let name): "no role is named '\(name)'"
        case .roleNameTaken(let name): "a role named '\(name)' exists"
        case .userNotFound(let id): "no staff account with id '\(id)'"
        case .notPermitted(let role): "not permitted to manage the '\(role)' role"
        case .setupLinkInvalid: "the set-up link is unknown, used or expired"
        case .weakPassword(let problems): "the password " + problems.map(\.description).joined(separator: "; ")
        case .oneTimeCodeRequired: "a current code from the authenticator app is required"
        case .signInFailed: "the email, password or code is not right"
        case .secondFactorRequired: "a one-time code or recovery code is required"
        case .secondFactorNotEnrolled: "the account's role needs an authenticator that is not set up"
        case .tooManyAttempts(let retryAt): "too many failed sign-ins; try again after \(retryAt.rfc3339)"
        case .lockedOut: "the account is locked after too many failed sign-ins"
        }
    }
}
