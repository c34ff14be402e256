extension Migration {
    /// The shared keys (sealing, blind indexes), wrapped by the master key, so rotating the master key re-wraps
    /// them instead of changing them: every blind index and sealed value stays as it is.
    static let createProtectionKeys = Migration(
        version: 19, name: "create protection keys",
        statements: [
            """
            CREATE TABLE protection_keys (
                purpose TEXT PRIMARY KEY,
                wrapped_key TEXT NOT NULL,
                master_key_id TEXT NOT NULL,
                created_at BIGINT NOT NULL)
            """
        ])
}
