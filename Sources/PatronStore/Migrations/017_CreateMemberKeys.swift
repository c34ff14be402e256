extension Migration {
    /// Each member's personal data under the member's own key (wrapped by the master key), so erasing a member
    /// is destroying one key; the requests members make about their data; and what an erasure leaves behind:
    /// the time, a keyed digest of the external id (so the shop's till cannot silently bring the person back),
    /// and a closed balance (so an order racing the erasure is refused rather than earning on a tombstone).
    static let createMemberKeys = Migration(
        version: 17, name: "create member keys",
        statements: [
            """
            CREATE TABLE member_keys (
                member_id TEXT PRIMARY KEY REFERENCES members (id),
                wrapped_key TEXT NOT NULL,
                master_key_id TEXT NOT NULL,
                created_at BIGINT NOT NULL)
            """,
            "CREATE INDEX member_keys_by_master_key ON member_keys (master_key_id, member_id)",
            "ALTER TABLE members ADD COLUMN erased_at BIGINT",
            "ALTER TABLE members ADD COLUMN erased_external_index TEXT",
            "CREATE UNIQUE INDEX members_by_erased_external_index ON members (erased_external_index)",
            "ALTER TABLE point_balances ADD COLUMN closed_at BIGINT",
            """
            CREATE TABLE privacy_requests (
                id TEXT PRIMARY KEY,
                kind TEXT NOT NULL,
                member_id TEXT NOT NULL REFERENCES members (id),
                state TEXT NOT NULL,
                received_at BIGINT NOT NULL,
                due_at BIGINT NOT NULL,
                completed_at BIGINT,
                handled_by TEXT NOT NULL,
                outcome TEXT NOT NULL)
            """,
            "CREATE INDEX privacy_requests_by_received ON privacy_requests (received_at, id)",
            "CREATE INDEX privacy_requests_by_member ON privacy_requests (member_id, received_at)",
            "CREATE UNIQUE INDEX privacy_requests_one_erasure ON privacy_requests (member_id) WHERE kind = 'erase'",
        ])
}
