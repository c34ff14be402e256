extension Migration {
    /// People sign in: staff accounts with roles (built-in or custom), bcrypt password hashes, sealed one-time-code
    /// secrets, hashed recovery codes and set-up links, server-side sessions (only a hash of each token is kept), and
    /// failed sign-ins per account and per address. API keys may be held to some stores.
    static let createStaffAccess = Migration(
        version: 9, name: "create staff access",
        statements: [
            """
            CREATE TABLE staff_roles (
                name TEXT PRIMARY KEY,
                permissions TEXT NOT NULL,
                adjustment_limit BIGINT,
                created_at BIGINT NOT NULL)
            """,
            """
            CREATE TABLE staff_users (
                id TEXT PRIMARY KEY,
                email_index TEXT NOT NULL UNIQUE,
                email_sealed TEXT NOT NULL,
                role TEXT NOT NULL,
                stores TEXT,
                status TEXT NOT NULL,
                password_hash TEXT,
                totp_secret_sealed TEXT,
                totp_enrolled_at BIGINT,
                totp_last_step BIGINT,
                recovery_codes TEXT,
                setup_token_hash TEXT UNIQUE,
                setup_expires_at BIGINT,
                created_at BIGINT NOT NULL,
                updated_at BIGINT NOT NULL)
            """,
            """
            CREATE TABLE staff_sessions (
                token_hash TEXT PRIMARY KEY,
                user_id TEXT NOT NULL REFERENCES staff_users (id),
                csrf_token TEXT NOT NULL,
                started_at BIGINT NOT NULL,
                last_seen_at BIGINT NOT NULL,
                ended_at BIGINT,
                address TEXT,
                user_agent TEXT)
            """,
            "CREATE INDEX staff_sessions_by_user ON staff_sessions (user_id)",
            """
            CREATE TABLE sign_in_failures (
                subject TEXT PRIMARY KEY,
                failures BIGINT NOT NULL,
                last_failed_at BIGINT NOT NULL)
            """,
            "ALTER TABLE api_keys ADD COLUMN stores TEXT",
        ])
}
