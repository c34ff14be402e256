extension Migration {
    /// The outbox of domain events, each written in the transaction of the change it reports; the webhook
    /// endpoints integrators subscribe with; one delivery per event and endpoint, with every attempt logged.
    static let createWebhooks = Migration(
        version: 25, name: "create webhooks",
        statements: [
            """
            CREATE TABLE outbox_events (
                event_id TEXT PRIMARY KEY,
                type TEXT NOT NULL,
                member_id TEXT,
                body TEXT NOT NULL,
                occurred_at BIGINT NOT NULL,
                routed_at BIGINT)
            """,
            "CREATE INDEX outbox_events_unrouted ON outbox_events (occurred_at) WHERE routed_at IS NULL",
            "CREATE INDEX outbox_events_by_member ON outbox_events (member_id)",
            """
            CREATE TABLE webhook_endpoints (
                endpoint_id TEXT PRIMARY KEY,
                url TEXT NOT NULL,
                description TEXT NOT NULL,
                event_types TEXT NOT NULL,
                disabled_at BIGINT,
                disabled_reason TEXT,
                secret_ciphertext TEXT NOT NULL,
                previous_secret_ciphertext TEXT,
                previous_secret_until BIGINT,
                failing_since BIGINT,
                revision BIGINT NOT NULL,
                created_by TEXT NOT NULL,
                created_at BIGINT NOT NULL,
                updated_at BIGINT NOT NULL)
            """,
            """
            CREATE TABLE webhook_deliveries (
                delivery_id TEXT PRIMARY KEY,
                endpoint_id TEXT NOT NULL REFERENCES webhook_endpoints (endpoint_id),
                event_id TEXT NOT NULL REFERENCES outbox_events (event_id),
                status TEXT NOT NULL,
                attempts BIGINT NOT NULL,
                schedule_from BIGINT NOT NULL,
                next_attempt_at BIGINT,
                last_status BIGINT,
                last_error TEXT,
                created_at BIGINT NOT NULL,
                delivered_at BIGINT,
                UNIQUE (endpoint_id, event_id))
            """,
            "CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at) WHERE status = 'pending'",
            "CREATE INDEX webhook_deliveries_by_endpoint ON webhook_deliveries (endpoint_id, delivery_id)",
            "CREATE INDEX webhook_deliveries_by_event ON webhook_deliveries (event_id)",
            """
            CREATE TABLE webhook_attempts (
                delivery_id TEXT NOT NULL REFERENCES webhook_deliveries (delivery_id),
                attempt BIGINT NOT NULL,
                attempted_at BIGINT NOT NULL,
                status BIGINT,
                error TEXT,
                duration_ms BIGINT NOT NULL,
                PRIMARY KEY (delivery_id, attempt))
            """,
        ])
}
