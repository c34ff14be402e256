extension Migration {
    /// Each surprise campaign that gave something: what it was (the request as JSON), who ran it and when, and how
    /// many members matched and were given, for the program page's list. The grants themselves stay in
    /// `campaign_grants` and `redemptions`, now indexed by campaign so each campaign's rewards used are counted by
    /// key.
    static let recordSurpriseCampaigns = Migration(
        version: 15, name: "record surprise campaigns",
        statements: [
            """
            CREATE TABLE surprise_campaigns (
                campaign_id TEXT PRIMARY KEY,
                definition TEXT NOT NULL,
                eligible BIGINT NOT NULL,
                given BIGINT NOT NULL,
                actor TEXT,
                run_at BIGINT NOT NULL)
            """,
            "CREATE INDEX surprise_campaigns_by_time ON surprise_campaigns (run_at)",
            "CREATE INDEX redemptions_by_campaign ON redemptions (campaign_id, status)",
        ])
}
