extension Migration {
    /// Only a SHA-256 of each key is kept; the key itself is shown once, when created.
    static let createAPIKeys = Migration(
        version: 4, name: "create api keys",
        statements: [
            """
            CREATE TABLE api_keys (
                id TEXT PRIMARY KEY,
                name TEXT NOT NULL,
                secret_hash TEXT NOT NULL UNIQUE,
                scopes TEXT NOT NULL,
                created_at BIGINT NOT NULL,
                revoked_at BIGINT)
            """
        ])
}
