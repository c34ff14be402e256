import PatronCore
import SQLKit

extension Store {
    /// The live session a cookie's token names, its last-seen time moved on at most once a minute; `nil` when the
    /// token is unknown, signed out, expired or its account no longer active.
    public func staffSession(token: String, policy: SessionPolicy = .standard) async throws -> StaffSession? {
        let now = clock.now
        let tokenHash = Self.digest(token)
        let found = try await database.read { database in
            guard
                let row = try await database.raw(
                    SQLQueryString(Self.userSelect(adding: ", s.csrf_token, s.started_at, s.last_seen_at"))
                        + """
                         JOIN staff_sessions s ON s.user_id = u.id
                        WHERE s.token_hash = \(bind: tokenHash) AND s.ended_at IS NULL
                        """
                ).first()
            else { return nil as (StaffUser, String, Timestamp, Timestamp)? }
            // Every request of a session reads this: custom roles are read only for a custom role's holder.
            let isBuiltIn = StaffRole.builtIn(named: try row.decode(column: "role", as: String.self)) != nil
            let roles = isBuiltIn ? [] : try await Self.customRoles(on: database)
            return (
                try staffUser(from: row, customRoles: roles),
                try row.decode(column: "csrf_token", as: String.self),
                Timestamp(millisecondsSinceEpoch: try row.decode(column: "started_at", as: Int64.self)),
                Timestamp(millisecondsSinceEpoch: try row.decode(column: "last_seen_at", as: Int64.self))
            )
        }
        guard let (user, csrfToken, started, lastSeen) = found, user.status == .active, !user.isLockedOut,
            policy.isLive(started: started, lastSeen: lastSeen, at: now)
        else { return nil }
        if policy.shouldTouch(lastSeen: lastSeen, at: now) {
            try await database.write { database in
                try await database.raw(
                    """
                    UPDATE staff_sessions SET last_seen_at = \(bind: now.millisecondsSinceEpoch)
                    WHERE token_hash = \(bind: tokenHash) AND last_seen_at < \(bind: now.millisecondsSinceEpoch)
                    """
                ).run()
            }
        }
        let seen = policy.shouldTouch(lastSeen: lastSeen, at: now) ? now : lastSeen
        return StaffSession(
            user: user, token: nil, csrfToken: csrfToken, startedAt: started,
            expiresAt: policy.expiry(started: started, lastSeen: seen))
    }

    /// Ends the session with this token; signing out twice is not an error.
    public func signOut(token: String) async throws {
        let now = clock.milliseconds
        try await database.write { database in
            try await database.raw(
                """
                UPDATE staff_sessions SET ended_at = \(bind: now)
                WHERE token_hash = \(bind: Self.digest(token)) AND ended_at IS NULL
                """
            ).run()
        }
    }

    /// Ends every session of the account, on every device.
    public func signOutEverywhere(userID: String) async throws {
        let now = clock.milliseconds
        try await database.write { try await Self.endSessions(userID: userID, at: now, on: $0) }
    }
}
