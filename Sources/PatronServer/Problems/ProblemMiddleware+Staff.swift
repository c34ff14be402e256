import Foundation
import Hummingbird
import PatronCore

extension ProblemMiddleware {
    /// Sign-in failures share one answer whatever went wrong; a second factor still to give has its own type, so
    /// a client knows to ask for a code.
    static func problem(for error: StaffError) -> Problem {
        switch error {
        case .invalidEmail:
            return .invalid(ValidationFailure(pointer: "/email", detail: "must be an email address"))
        case .emailTaken:
            return Problem(status: .conflict, title: "Conflict", detail: "a staff account with this email exists")
        case .unknownRole(let name):
            return .invalid(ValidationFailure(pointer: "/role", detail: "no role is named '\(name)'"))
        case .roleNameTaken(let name):
            return Problem(status: .conflict, title: "Conflict", detail: "a role named '\(name)' exists")
        case .userNotFound(let userID):
            return .notFound("no staff account with id '\(userID)'")
        case .notPermitted(let role):
            return Problem(
                status: .forbidden, title: "Forbidden",
                detail: "you may not manage the '\(role)' role: only owners manage owners, and a role can only hold "
                    + "permissions you hold")
        case .setupLinkInvalid:
            return .notFound("this set-up link is unknown, used or expired; ask for a new one")
        case .weakPassword(let problems):
            return .invalid(
                ValidationFailure(problems.map { FieldError(pointer: "/password", detail: $0.description) }))
        case .oneTimeCodeRequired:
            return .invalid(
                ValidationFailure(
                    pointer: "/one_time_code",
                    detail: "enter the current code from the authenticator app to confirm it is set up"))
        case .signInFailed:
            return Problem(
                status: .unauthorized, title: "Sign-in Failed",
                detail: "the email, password or code is not right")
        case .secondFactorRequired:
            return Problem(
                status: .unauthorized, title: "Second Factor Required",
                detail: "send one_time_code from the authenticator app, or a recovery_code")
        case .secondFactorNotEnrolled:
            return Problem(
                status: .forbidden, title: "Second Factor Not Set Up",
                detail: "this role needs an authenticator; use the set-up link an owner or admin sends you")
        case .tooManyAttempts(let retryAt):
            var problem = Problem(
                status: .tooManyRequests, title: "Too Many Attempts",
                detail: "too many failed sign-ins; try again after \(retryAt.rfc3339)")
            let now = Int64(Date().timeIntervalSince1970 * 1_000)
            problem.retryAfterSeconds = max(1, (retryAt.millisecondsSinceEpoch - now + 999) / 1_000)
            return problem
        case .lockedOut:
            return Problem(
                status: .forbidden, title: "Account Locked",
                detail: "too many failed sign-ins; an owner or admin must unlock the account")
        }
    }
}
