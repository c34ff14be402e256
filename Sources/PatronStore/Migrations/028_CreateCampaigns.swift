extension Migration {
    /// Campaigns — sends to a segment split into variants and a holdout — and each member's arm in one: the
    /// audience as it was queued, which the results compare.
    static let createCampaigns = Migration(
        version: 28, name: "create campaigns",
        statements: [
            // `cursor` is the last member id queued and `runner` the node queueing: a node that dies mid-way leaves
            // the rest for the next, which goes on after the cursor.
            """
            CREATE TABLE campaigns (
                campaign_id TEXT PRIMARY KEY,
                version BIGINT NOT NULL,
                definition TEXT NOT NULL,
                salt TEXT NOT NULL,
                state TEXT NOT NULL,
                send_at BIGINT,
                started_at BIGINT,
                finished_at BIGINT,
                audience BIGINT NOT NULL,
                queued BIGINT NOT NULL,
                cursor TEXT,
                runner TEXT,
                runner_until BIGINT,
                created_by TEXT NOT NULL,
                created_at BIGINT NOT NULL,
                updated_at BIGINT NOT NULL)
            """,
            "CREATE INDEX campaigns_due ON campaigns (state, send_at)",
            // message_id is chosen with the arm, so a batch queued again finds the same message.
            """
            CREATE TABLE campaign_recipients (
                campaign_id TEXT NOT NULL,
                member_id TEXT NOT NULL,
                arm TEXT NOT NULL,
                message_id TEXT,
                PRIMARY KEY (campaign_id, member_id))
            """,
            "CREATE INDEX messages_source ON messages (source, status)",
        ])
}
