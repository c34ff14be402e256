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
