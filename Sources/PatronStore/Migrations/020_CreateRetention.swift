extension Migration {
    /// What retention needs: events found by when they happened, monthly product totals that replace order lines
    /// no longer kept, and how far each kind of data has been handled. Also consent states by the statement they
    /// point to: deleting a member's statements (erasure, anonymising) checks that reference, which was a scan of
    /// every member's consents per statement without it.
    static let createRetention = Migration(
        version: 20, name: "create retention",
        statements: [
            "CREATE INDEX events_by_time ON events (occurred_at)",
            """
            CREATE TABLE order_line_summaries (
                month TEXT NOT NULL,
                currency TEXT NOT NULL,
                channel TEXT NOT NULL,
                store_id TEXT NOT NULL,
                sku TEXT NOT NULL,
                category TEXT NOT NULL,
                lines BIGINT NOT NULL,
                quantity BIGINT NOT NULL,
                gross_minor BIGINT NOT NULL,
                discount_minor BIGINT NOT NULL,
                PRIMARY KEY (month, currency, channel, store_id, sku, category))
            """,
            "CREATE TABLE retention_marks (kind TEXT PRIMARY KEY, through BIGINT NOT NULL)",
            "CREATE INDEX member_consents_by_record ON member_consents (record_id)",
        ])
}
