extension Migration {
    /// Events keep their JSON payloads as text; `message_id` is the deduplication key.
    static let createEvents = Migration(
        version: 3, name: "create events",
        statements: [
            """
            CREATE TABLE events (
                message_id TEXT PRIMARY KEY,
                type TEXT NOT NULL,
                member_id TEXT REFERENCES members (id),
                user_id TEXT,
                anonymous_id TEXT,
                event TEXT,
                properties TEXT NOT NULL,
                traits TEXT NOT NULL,
                context TEXT NOT NULL,
                occurred_at BIGINT NOT NULL,
                received_at BIGINT NOT NULL)
            """,
            "CREATE INDEX events_by_member ON events (member_id, occurred_at)",
        ])
}
