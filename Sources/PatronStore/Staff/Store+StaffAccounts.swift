import Crypto
import Foundation
import PatronCore
import SQLKit

extension Store {
    /// How long a set-up link stays valid.
    static let setupLinkMilliseconds: Int64 = 72 * 3_600_000

    /// The built-in roles followed by the custom ones, by name.
    public func staffRoles() async throws -> [StaffRole] {
        try await database.read { StaffRole.builtIn + (try await Self.customRoles(on: $0)) }
    }

    /// Defines a custom role, a named set of permissions; a name already in use is refused.
    public func createStaffRole(_ role: StaffRole) async throws {
        guard StaffRole.builtIn(named: role.name) == nil else { throw StaffError.roleNameTaken(role.name) }
        let permissions = StoredList.text(role.permissions.map(\.rawValue))
        let created = try await database.write { database in
            try await database.raw(
                """
                INSERT INTO staff_roles (name, permissions, adjustment_limit, created_at)
                VALUES (\(bind: role.name), \(bind: permissions), \(bind: role.adjustmentLimit), \(bind: clock.milliseconds))
                ON CONFLICT (name) DO NOTHING RETURNING name
                """
            ).first() != nil
        }
        if !created { throw StaffError.roleNameTaken(role.name) }
    }

    /// Creates an invited account and its one-time set-up link. `actingRole` is the role of whoever asks;
    /// `nil` for the operator at the server's console, who may create anyone (the first owner among them).
    public func inviteStaff(
        email text: String, roleName: String, stores: Set<String>?, actingRole: StaffRole?
    ) async throws -> StaffInvitation {
        guard let email = EmailAddress(text) else { throw StaffError.invalidEmail(text) }
        let now = clock.milliseconds
        let id = Identifier.make(prefix: "usr", milliseconds: now)
        let token = Identifier.randomToken(count: 40)
        let secret = try protector.seal(Base32.encode(OneTimeCode.newSecret()))
        let emailIndex = protector.blindIndex(kind: "staff_email", value: email.value)
        let sealedEmail = try protector.seal(email.value)
        let storeList = stores.map(StoredList.text)
        let user = try await database.write { database in
            let role = try await Self.role(named: roleName, on: database)
            if let actingRole, !actingRole.mayManage(role) { throw StaffError.notPermitted(role: role.name) }
            let inserted =
                try await database.raw(
                    """
                    INSERT INTO staff_users (id, email_index, email_sealed, role, stores, status, totp_secret_sealed,
                        setup_token_hash, setup_expires_at, created_at, updated_at)
                    VALUES (\(bind: id), \(bind: emailIndex), \(bind: sealedEmail), \(bind: role.name), \(bind: storeList),
                        \(bind: StaffStatus.invited.rawValue), \(bind: secret), \(bind: Self.digest(token)),
                        \(bind: now + Self.setupLinkMilliseconds), \(bind: now), \(bind: now))
                    ON CONFLICT (email_index) DO NOTHING RETURNING id
                    """
                ).first() != nil
            guard inserted else { throw StaffError.emailTaken }
            return StaffUser(
                id: id, email: email.value, role: role, stores: stores, status: .invited, hasSecondFactor: false,
                isLockedOut: false, createdAt: Timestamp(millisecondsSinceEpoch: now))
        }
        return StaffInvitation(
            user: user, setupToken: token,
            expiresAt: Timestamp(millisecondsSinceEpoch: now + Self.setupLinkMilliseconds))
    }

    public func staffUsers() async throws -> [StaffUser] {
        try await database.read { database in
            let roles = try await Self.customRoles(on: database)
            return try await database.raw(SQLQueryString(Self.userSelect + " ORDER BY u.id")).all().map {
                try staffUser(from: $0, customRoles: roles)
            }
        }
    }

    public func staffUser(id: String) async throws -> StaffUser? {
        try await database.read { database in
            let roles = try await Self.customRoles(on: database)
            return try await database.raw(SQLQueryString(Self.userSelect) + " WHERE u.id = \(bind: id)").first()
                .map { try staffUser(from: $0, customRoles: roles) }
        }
    }

    /// Disables an account and ends its sessions.
    public func disableStaff(id: String, actingRole: StaffRole?) async throws -> StaffUser {
        try await changeStaff(id: id, actingRole: actingRole) { database, now in
            try await database.raw(
                """
                UPDATE staff_users SET status = \(bind: StaffStatus.disabled.rawValue), setup_token_hash = NULL,
                    updated_at = \(bind: now) WHERE id = \(bind: id)
                """
            ).run()
            try await Self.endSessions(userID: id, at: now, on: database)
        }
    }

    /// Lifts a lock-out after failed sign-ins.
    public func unlockStaff(id: String, actingRole: StaffRole?) async throws -> StaffUser {
        try await changeStaff(id: id, actingRole: actingRole) { database, _ in
            try await database.raw("DELETE FROM sign_in_failures WHERE subject = \(bind: "account:" + id)").run()
        }
    }

    /// Forgets the account's second factor and recovery codes and ends its sessions; the returned link sets a new
    /// password and, for a role that needs one, a new authenticator.
    public func resetStaffSecondFactor(id: String, actingRole: StaffRole?) async throws -> StaffInvitation {
        let token = Identifier.randomToken(count: 40)
        let secret = try protector.seal(Base32.encode(OneTimeCode.newSecret()))
        let expiresAt = clock.milliseconds + Self.setupLinkMilliseconds
        let user = try await changeStaff(id: id, actingRole: actingRole) { database, now in
            try await database.raw(
                """
                UPDATE staff_users SET totp_secret_sealed = \(bind: secret), totp_enrolled_at = NULL,
                    totp_last_step = NULL, recovery_codes = NULL, setup_token_hash = \(bind: Self.digest(token)),
                    setup_expires_at = \(bind: expiresAt), updated_at = \(bind: now)
                WHERE id = \(bind: id)
                """
            ).run()
            try await Self.endSessions(userID: id, at: now, on: database)
        }
        return StaffInvitation(
            user: user, setupToken: token, expiresAt: Timestamp(millisecondsSinceEpoch: expiresAt))
    }

    /// Applies `change` to an account the acting role may manage, and returns the account as it is after.
    private func changeStaff(
        id: String, actingRole: StaffRole?,
        _ change: @escaping @Sendable (any SQLDatabase, Int64) async throws -> Void
    ) async throws -> StaffUser {
        let now = clock.milliseconds
        let forUpdate = forUpdate
        return try await database.write { database in
            let roles = try await Self.customRoles(on: database)
            guard
                let before = try await database.raw(
                    SQLQueryString(Self.userSelect) + " WHERE u.id = \(bind: id)" + SQLQueryString(forUpdate)
                ).first().map({ try staffUser(from: $0, customRoles: roles) })
            else { throw StaffError.userNotFound(id) }
            if let actingRole, !actingRole.mayManage(before.role) {
                throw StaffError.notPermitted(role: before.role.name)
            }
            try await change(database, now)
            guard
                let after = try await database.raw(SQLQueryString(Self.userSelect) + " WHERE u.id = \(bind: id)")
                    .first().map({ try staffUser(from: $0, customRoles: roles) })
            else { throw StaffError.userNotFound(id) }
            return after
        }
    }

    static let userSelect = userSelect(adding: "")

    /// The columns `staffUser(from:customRoles:)` reads, with `columns` after them.
    static func userSelect(adding columns: String) -> String {
        """
        SELECT u.id, u.email_sealed, u.role, u.stores, u.status, u.totp_enrolled_at, u.created_at,
            CAST(COALESCE(f.failures, 0) AS BIGINT) AS failures\(columns)
        FROM staff_users u LEFT JOIN sign_in_failures f ON f.subject = 'account:' || u.id
        """
    }

    /// PostgreSQL locks the account row for the change; SQLite's single writer needs nothing.
    var forUpdate: String { database.engine == .postgres ? " FOR UPDATE OF u" : "" }

    func staffUser(from row: any SQLRow, customRoles: [StaffRole]) throws -> StaffUser {
        let roleName = try row.decode(column: "role", as: String.self)
        let failures = Int(try row.decode(column: "failures", as: Int64.self))
        return StaffUser(
            id: try row.decode(column: "id", as: String.self),
            email: try protector.open(try row.decode(column: "email_sealed", as: String.self)),
            // A custom role deleted later leaves its holders with no permissions rather than failing every read.
            role: (try? Self.role(named: roleName, among: customRoles)) ?? StaffRole(name: roleName, permissions: []),
            stores: try row.decode(column: "stores", as: String?.self).map { Set(StoredList.values($0)) },
            status: StaffStatus(rawValue: try row.decode(column: "status", as: String.self)) ?? .disabled,
            hasSecondFactor: try row.decode(column: "totp_enrolled_at", as: Int64?.self) != nil,
            isLockedOut: SignInThrottle.account.lockOutAfter.map { failures >= $0 } ?? false,
            createdAt: Timestamp(millisecondsSinceEpoch: try row.decode(column: "created_at", as: Int64.self)))
    }

    static func role(named name: String, on database: any SQLDatabase) async throws -> StaffRole {
        try role(named: name, among: try await customRoles(on: database))
    }

    static func role(named name: String, among customRoles: [StaffRole]) throws -> StaffRole {
        guard let role = StaffRole.builtIn(named: name) ?? customRoles.first(where: { $0.name == name }) else {
            throw StaffError.unknownRole(name)
        }
        return role
    }

    static func customRoles(on database: any SQLDatabase) async throws -> [StaffRole] {
        try await database.raw("SELECT name, permissions, adjustment_limit FROM staff_roles ORDER BY name").all().map {
            StaffRole(
                name: try $0.decode(column: "name", as: String.self),
                permissions: StoredList.scopes(try $0.decode(column: "permissions", as: String.self)),
                adjustmentLimit: try $0.decode(column: "adjustment_limit", as: Int64?.self))
        }
    }

    static func endSessions(userID: String, at now: Int64, on database: any SQLDatabase) async throws {
        try await database.raw(
            "UPDATE staff_sessions SET ended_at = \(bind: now) WHERE user_id = \(bind: userID) AND ended_at IS NULL"
        ).run()
    }

    /// SHA-256 in hex: how tokens and recovery codes are kept. They are long and random, so a fast hash suffices.
    static func digest(_ secret: String) -> String {
        Hex.encode(SHA256.hash(data: Data(secret.utf8)))
    }
}
