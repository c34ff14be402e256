extension Migration {
    /// An append-only audit log: each entry carries the hash of the one before, so removing or editing any entry
    /// breaks the chain from there on. The objects an entry names sit in their own table, to find by id.
    static let createAuditLog = Migration(
        version: 10, name: "create audit log",
        statements: [
            """
            CREATE TABLE audit_log (
                sequence BIGINT PRIMARY KEY,
                at BIGINT NOT NULL,
                actor_kind TEXT NOT NULL,
                actor_id TEXT,
                action TEXT NOT NULL,
                object_ids TEXT NOT NULL,
                address TEXT,
                user_agent TEXT,
                request_id TEXT,
                previous_hash TEXT NOT NULL,
                hash TEXT NOT NULL)
            """,
            "CREATE INDEX audit_log_by_actor ON audit_log (actor_id, sequence)",
            "CREATE INDEX audit_log_by_time ON audit_log (at)",
            """
            CREATE TABLE audit_objects (
                object_id TEXT NOT NULL,
                sequence BIGINT NOT NULL REFERENCES audit_log (sequence),
                PRIMARY KEY (object_id, sequence))
            """,
        ])
}
