import PatronCore
import SQLKit

extension Store {
    /// The account a set-up link belongs to and the authenticator secret to enrol; the link stays usable until
    /// set-up is completed or it expires.
    public func staffSetup(token: String) async throws -> StaffSetup {
        let pending = try await pendingSetup(token: token)
        let code = OneTimeCode(secret: pending.secret)
        return StaffSetup(
            user: pending.user, oneTimeCodeSecret: Base32.encode(pending.secret),
            provisioningURI: code.provisioningURI(account: pending.user.email, issuer: "Patron"))
    }

    /// Sets the password and, when a code is given (required for roles that need a second factor), enrols the
    /// authenticator; the link is used up. Returns the recovery codes, shown this once, when a factor was enrolled.
    public func completeStaffSetup(
        token: String, password: String, oneTimeCode: String?
    ) async throws -> (
        user: StaffUser, recoveryCodes: [String]?
    ) {
        let now = clock.now
        let pending = try await pendingSetup(token: token)
        let problems = PasswordPolicy.problems(password: password, email: pending.user.email)
        if !problems.isEmpty { throw StaffError.weakPassword(problems) }
        let enrolledStep = try oneTimeCode.map { code in
            let generator = OneTimeCode(secret: pending.secret)
            let digits = code.filter(\.isNumber)
            guard
                let step = OneTimeCodeWindow.candidateSteps(at: now, lastUsed: nil).last(where: {
                    generator.code(step: $0) == digits
                })
            else { throw StaffError.oneTimeCodeRequired }
            return step
        }
        if enrolledStep == nil, pending.user.role.requiresTwoFactor { throw StaffError.oneTimeCodeRequired }
        let recoveryCodes = enrolledStep == nil ? nil : (0..<10).map { _ in Self.newRecoveryCode() }
        let passwordHash = try await passwordHasher.hash(password)
        let tokenHash = Self.digest(token)
        let userID = pending.user.id
        let completed = try await database.write { database in
            try await database.raw(
                """
                UPDATE staff_users SET password_hash = \(bind: passwordHash), status = \(bind: StaffStatus.active.rawValue),
                    totp_enrolled_at = \(bind: enrolledStep == nil ? nil : now.millisecondsSinceEpoch),
                    totp_last_step = \(bind: enrolledStep),
                    recovery_codes = \(bind: recoveryCodes?.map(Self.digest).joined(separator: ",")),
                    setup_token_hash = NULL, setup_expires_at = NULL, updated_at = \(bind: now.millisecondsSinceEpoch)
                WHERE id = \(bind: userID) AND setup_token_hash = \(bind: tokenHash)
                RETURNING id
                """
            ).first() != nil
        }
        // Another request used the link between the read and this write.
        guard completed, let user = try await staffUser(id: userID) else { throw StaffError.setupLinkInvalid }
        return (user, recoveryCodes)
    }

    private func pendingSetup(token: String) async throws -> (user: StaffUser, secret: [UInt8]) {
        let now = clock.milliseconds
        let row = try await database.read { database in
            let roles = try await Self.customRoles(on: database)
            guard
                let row = try await database.raw(
                    SQLQueryString(Self.userSelect(adding: ", u.totp_secret_sealed, u.setup_expires_at"))
                        + " WHERE u.setup_token_hash = \(bind: Self.digest(token))"
                ).first()
            else { return nil as (StaffUser, String, Int64)? }
            return (
                try staffUser(from: row, customRoles: roles),
                try row.decode(column: "totp_secret_sealed", as: String.self),
                try row.decode(column: "setup_expires_at", as: Int64.self)
            )
        }
        guard let (user, sealedSecret, expiresAt) = row, expiresAt > now, user.status != .disabled,
            let secret = Base32.decode(try protector.open(sealedSecret))
        else { throw StaffError.setupLinkInvalid }
        return (user, secret)
    }

    /// Ten characters in two groups, from an alphabet without look-alikes: easy to type from paper.
    static func newRecoveryCode() -> String {
        let alphabet = Array("abcdefghjkmnpqrstuvwxyz23456789")
        var generator = SystemRandomNumberGenerator()
        let characters = (0..<10).map { _ in alphabet.randomElement(using: &generator)! }
        return String(characters[0..<5]) + "-" + String(characters[5..<10])
    }
}
