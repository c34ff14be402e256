import PatronCore
import SQLKit

/// Where a sign-in comes from, kept with the session and used to slow guessing from one address.
public struct ClientOrigin: Sendable, Hashable {
    public var address: String
    public var userAgent: String?

    public init(address: String, userAgent: String?) {
        self.address = address
        self.userAgent = userAgent
    }
}

extension Store {
    /// Checks a password and, for an account with an authenticator, a one-time or recovery code, and starts a
    /// session. Every kind of failure looks the same to the caller; each counts against the account and the address.
    public func signIn(
        email text: String, password: String, oneTimeCode: String?, recoveryCode: String?, from origin: ClientOrigin,
        policy: SessionPolicy = .standard
    ) async throws -> StaffSession {
        let now = clock.now
        let emailIndex = protector.blindIndex(kind: "staff_email", value: EmailAddress(text)?.value ?? text)
        let account = try await signInFacts(emailIndex: emailIndex, address: origin.address)
        // An unknown address is throttled as an account would be, so timing and answers do not tell them apart.
        let subjects = ["account:" + (account.credentials?.userID ?? emailIndex), "address:" + origin.address]
        for (throttle, failures) in [(SignInThrottle.address, account.addressFailures), (.account, account.failures)] {
            switch throttle.verdict(failures: failures.count, lastFailure: failures.last, at: now) {
            case .allowed: continue
            case .wait(let until): throw StaffError.tooManyAttempts(retryAt: until)
            case .lockedOut: throw StaffError.lockedOut
            }
        }
        let passwordMatches = try await passwordHasher.verify(password, hash: account.credentials?.passwordHash)
        guard passwordMatches, let credentials = account.credentials, credentials.status == .active else {
            try await recordSignInFailure(subjects: subjects, at: now)
            throw StaffError.signInFailed
        }
        let (usedStep, remainingRecoveryCodes) = try await secondFactor(
            of: credentials, oneTimeCode: oneTimeCode, recoveryCode: recoveryCode, at: now, subjects: subjects)
        let token = "pts_" + Identifier.randomToken(count: 40)
        let csrfToken = Identifier.randomToken(count: 32)
        let started = now.millisecondsSinceEpoch
        let userID = credentials.userID
        let factorStillFresh = try await database.write { database in
            // A code or recovery code is used once: the update happens only if no one used it meanwhile.
            if let usedStep {
                let updated = try await database.raw(
                    """
                    UPDATE staff_users SET totp_last_step = \(bind: usedStep)
                    WHERE id = \(bind: userID) AND (totp_last_step IS NULL OR totp_last_step < \(bind: usedStep))
                    RETURNING id
                    """
                ).first()
                if updated == nil { return false }
            }
            if let remainingRecoveryCodes {
                let updated = try await database.raw(
                    """
                    UPDATE staff_users SET recovery_codes = \(bind: remainingRecoveryCodes.joined(separator: ","))
                    WHERE id = \(bind: userID) AND recovery_codes = \(bind: credentials.recoveryCodes.joined(separator: ","))
                    RETURNING id
                    """
                ).first()
                if updated == nil { return false }
            }
            try await database.raw("DELETE FROM sign_in_failures WHERE subject = \(bind: subjects[0])").run()
            try await database.raw(
                """
                INSERT INTO staff_sessions (token_hash, user_id, csrf_token, started_at, last_seen_at, address, user_agent)
                VALUES (\(bind: Self.digest(token)), \(bind: userID), \(bind: csrfToken), \(bind: started), \(bind: started),
                    \(bind: origin.address), \(bind: origin.userAgent.map { String($0.prefix(512)) }))
                """
            ).run()
            return true
        }
        guard factorStillFresh, let user = try await staffUser(id: userID) else {
            try await recordSignInFailure(subjects: subjects, at: now)
            throw StaffError.signInFailed
        }
        return StaffSession(
            user: user, token: token, csrfToken: csrfToken, startedAt: now,
            expiresAt: policy.expiry(started: now, lastSeen: now))
    }

    /// The time step of an accepted one-time code, or the recovery codes left after one was used; both `nil` for
    /// an account without a second factor.
    private func secondFactor(
        of credentials: Credentials, oneTimeCode: String?, recoveryCode: String?, at now: Timestamp,
        subjects: [String]
    ) async throws -> (usedStep: Int64?, remainingRecoveryCodes: [String]?) {
        guard let secret = credentials.secret else {
            if credentials.role.requiresTwoFactor { throw StaffError.secondFactorNotEnrolled }
            return (nil, nil)
        }
        if let oneTimeCode {
            let generator = OneTimeCode(secret: secret)
            let digits = oneTimeCode.filter(\.isNumber)
            if let step = OneTimeCodeWindow.candidateSteps(at: now, lastUsed: credentials.lastStep).last(where: {
                generator.code(step: $0) == digits
            }) {
                return (step, nil)
            }
        } else if let recoveryCode {
            let digest = Self.digest(recoveryCode.lowercased().trimmingWhitespace())
            if credentials.recoveryCodes.contains(digest) {
                return (nil, credentials.recoveryCodes.filter { $0 != digest })
            }
        } else {
            throw StaffError.secondFactorRequired
        }
        try await recordSignInFailure(subjects: subjects, at: now)
        throw StaffError.signInFailed
    }

    private struct Credentials: Sendable {
        var userID: String
        var passwordHash: String?
        var status: StaffStatus
        var role: StaffRole
        var secret: [UInt8]?
        var lastStep: Int64?
        var recoveryCodes: [String]
    }

    private struct Failures: Sendable {
        var count = 0
        var last: Timestamp?
    }

    private func signInFacts(
        emailIndex: String, address: String
    ) async throws -> (
        credentials: Credentials?, failures: Failures, addressFailures: Failures
    ) {
        let protector = protector
        return try await database.read { database in
            let roles = try await Self.customRoles(on: database)
            let credentials = try await database.raw(
                """
                SELECT id, password_hash, status, role, totp_secret_sealed, totp_enrolled_at, totp_last_step,
                    recovery_codes
                FROM staff_users WHERE email_index = \(bind: emailIndex)
                """
            ).first().map { row in
                let enrolled = try row.decode(column: "totp_enrolled_at", as: Int64?.self) != nil
                return Credentials(
                    userID: try row.decode(column: "id", as: String.self),
                    passwordHash: try row.decode(column: "password_hash", as: String?.self),
                    status: StaffStatus(rawValue: try row.decode(column: "status", as: String.self)) ?? .disabled,
                    role: try Self.role(named: try row.decode(column: "role", as: String.self), among: roles),
                    secret: enrolled
                        ? try row.decode(column: "totp_secret_sealed", as: String?.self).flatMap {
                            Base32.decode(try protector.open($0))
                        } : nil,
                    lastStep: try row.decode(column: "totp_last_step", as: Int64?.self),
                    recoveryCodes: (try row.decode(column: "recovery_codes", as: String?.self) ?? "")
                        .split(separator: ",").map(String.init))
            }
            func failures(_ subject: String) async throws -> Failures {
                guard
                    let row = try await database.raw(
                        "SELECT failures, last_failed_at FROM sign_in_failures WHERE subject = \(bind: subject)"
                    ).first()
                else { return Failures() }
                return Failures(
                    count: Int(try row.decode(column: "failures", as: Int64.self)),
                    last: Timestamp(millisecondsSinceEpoch: try row.decode(column: "last_failed_at", as: Int64.self)))
            }
            return (
                credentials, try await failures("account:" + (credentials?.userID ?? emailIndex)),
                try await failures("address:" + address)
            )
        }
    }

    /// Adds a failure to each subject's run, or starts a new run when the last failure is old enough to forget.
    private func recordSignInFailure(subjects: [String], at now: Timestamp) async throws {
        let throttles = [SignInThrottle.account, .address]
        try await database.write { database in
            for (subject, throttle) in zip(subjects, throttles) {
                let forgetBefore = now.millisecondsSinceEpoch - throttle.forgetAfterMilliseconds
                try await database.raw(
                    """
                    INSERT INTO sign_in_failures (subject, failures, last_failed_at)
                    VALUES (\(bind: subject), 1, \(bind: now.millisecondsSinceEpoch))
                    ON CONFLICT (subject) DO UPDATE SET
                        failures = CASE WHEN sign_in_failures.last_failed_at < \(bind: forgetBefore) THEN 1
                            ELSE sign_in_failures.failures + 1 END,
                        last_failed_at = excluded.last_failed_at
                    """
                ).run()
            }
        }
    }
}
