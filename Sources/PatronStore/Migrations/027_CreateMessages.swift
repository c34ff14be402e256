extension Migration {
    /// Message templates (every version kept, as segments are), the messages to members with their state, and
    /// each attempt to send one.
    static let createMessages = Migration(
        version: 27, name: "create messages",
        statements: [
            """
            CREATE TABLE message_templates (
                template_id TEXT NOT NULL,
                version BIGINT NOT NULL,
                definition TEXT NOT NULL,
                created_by TEXT NOT NULL,
                created_at BIGINT NOT NULL,
                removed BIGINT NOT NULL,
                PRIMARY KEY (template_id, version))
            """,
            // natural_key makes each cause send once: a retried request, a trigger run twice, a campaign resumed.
            // A message is rendered when sent, from ids only, so an erased member's message holds nothing of them.
            """
            CREATE TABLE messages (
                message_id TEXT PRIMARY KEY,
                natural_key TEXT NOT NULL UNIQUE,
                member_id TEXT NOT NULL,
                template_id TEXT NOT NULL,
                template_version BIGINT NOT NULL,
                category TEXT NOT NULL,
                channels TEXT NOT NULL,
                source TEXT NOT NULL,
                refs TEXT NOT NULL,
                status TEXT NOT NULL,
                channel TEXT,
                skip_reason TEXT,
                attempts BIGINT NOT NULL,
                due_at BIGINT NOT NULL,
                lease_until BIGINT,
                claim TEXT,
                counted_at BIGINT,
                provider_reference TEXT,
                last_error TEXT,
                created_at BIGINT NOT NULL,
                updated_at BIGINT NOT NULL)
            """,
            "CREATE INDEX messages_due ON messages (status, due_at)",
            "CREATE INDEX messages_member ON messages (member_id, created_at)",
            """
            CREATE TABLE message_attempts (
                message_id TEXT NOT NULL,
                attempt BIGINT NOT NULL,
                channel TEXT NOT NULL,
                started_at BIGINT NOT NULL,
                outcome TEXT NOT NULL,
                detail TEXT,
                duration_ms BIGINT NOT NULL,
                PRIMARY KEY (message_id, attempt))
            """,
        ])
}
