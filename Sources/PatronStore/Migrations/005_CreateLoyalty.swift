extension Migration {
    /// The points ledger (lots, append-only journal with lot allocations, derived balances), the rules
    /// behind each award, refunds, qualifying activity for tiers, tier standings and history, program
    /// versions, and stored answers of idempotent requests.
    static let createLoyalty = Migration(
        version: 5, name: "create loyalty",
        statements: { engine in
            let serial =
                engine == .postgres
                ? "BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY" : "INTEGER PRIMARY KEY AUTOINCREMENT"
            return [
                """
                CREATE TABLE loyalty_programs (
                    version BIGINT PRIMARY KEY,
                    definition TEXT NOT NULL,
                    actor TEXT,
                    created_at BIGINT NOT NULL)
                """,
                """
                CREATE TABLE point_balances (
                    member_id TEXT PRIMARY KEY REFERENCES members (id),
                    available BIGINT NOT NULL,
                    pending BIGINT NOT NULL,
                    lifetime_earned BIGINT NOT NULL,
                    debt BIGINT NOT NULL,
                    updated_at BIGINT NOT NULL)
                """,
                """
                CREATE TABLE point_lots (
                    lot_id TEXT PRIMARY KEY,
                    member_id TEXT NOT NULL REFERENCES members (id),
                    source TEXT NOT NULL,
                    source_id TEXT,
                    points BIGINT NOT NULL,
                    remaining BIGINT NOT NULL,
                    status TEXT NOT NULL,
                    earned_at BIGINT NOT NULL,
                    available_at BIGINT NOT NULL,
                    expires_at BIGINT,
                    created_at BIGINT NOT NULL,
                    CHECK (remaining >= 0 AND remaining <= points))
                """,
                "CREATE INDEX point_lots_by_member ON point_lots (member_id, status)",
                "CREATE INDEX point_lots_by_source ON point_lots (source, source_id)",
                "CREATE INDEX point_lots_due_to_expire ON point_lots (expires_at) WHERE remaining > 0",
                "CREATE INDEX point_lots_due_for_release ON point_lots (available_at) WHERE status = 'pending'",
                """
                CREATE TABLE point_entries (
                    entry_id \(serial),
                    member_id TEXT NOT NULL REFERENCES members (id),
                    kind TEXT NOT NULL,
                    points BIGINT NOT NULL,
                    reason TEXT NOT NULL,
                    actor TEXT,
                    reference TEXT,
                    created_at BIGINT NOT NULL)
                """,
                "CREATE INDEX point_entries_by_member ON point_entries (member_id, entry_id)",
                """
                CREATE TABLE point_allocations (
                    entry_id BIGINT NOT NULL,
                    lot_id TEXT NOT NULL,
                    points BIGINT NOT NULL,
                    PRIMARY KEY (entry_id, lot_id))
                """,
                """
                CREATE TABLE point_awards (
                    lot_id TEXT NOT NULL,
                    rule_id TEXT NOT NULL,
                    member_id TEXT NOT NULL,
                    points BIGINT NOT NULL,
                    reason TEXT NOT NULL,
                    local_day BIGINT NOT NULL,
                    local_month BIGINT NOT NULL,
                    PRIMARY KEY (lot_id, rule_id))
                """,
                "CREATE INDEX point_awards_for_caps ON point_awards (member_id, rule_id, local_day)",
                "CREATE TABLE rule_totals (rule_id TEXT PRIMARY KEY, points BIGINT NOT NULL)",
                """
                CREATE TABLE order_line_points (
                    order_id TEXT NOT NULL REFERENCES orders (order_id),
                    line_number BIGINT NOT NULL,
                    quantity BIGINT NOT NULL,
                    net_minor BIGINT NOT NULL,
                    points BIGINT NOT NULL,
                    refunded_quantity BIGINT NOT NULL,
                    PRIMARY KEY (order_id, line_number))
                """,
                """
                CREATE TABLE refunds (
                    refund_id TEXT PRIMARY KEY,
                    order_id TEXT NOT NULL REFERENCES orders (order_id),
                    member_id TEXT NOT NULL,
                    request_fingerprint TEXT NOT NULL,
                    amount_minor BIGINT NOT NULL,
                    points_taken BIGINT NOT NULL,
                    points_forgiven BIGINT NOT NULL,
                    created_at BIGINT NOT NULL)
                """,
                """
                CREATE TABLE refund_lines (
                    refund_id TEXT NOT NULL,
                    line_number BIGINT NOT NULL,
                    quantity BIGINT NOT NULL,
                    PRIMARY KEY (refund_id, line_number))
                """,
                """
                CREATE TABLE qualifying_activity (
                    member_id TEXT NOT NULL,
                    occurred_at BIGINT NOT NULL,
                    spend_minor BIGINT NOT NULL,
                    points BIGINT NOT NULL,
                    source TEXT NOT NULL,
                    source_id TEXT NOT NULL)
                """,
                "CREATE INDEX qualifying_activity_by_member ON qualifying_activity (member_id, occurred_at)",
                """
                CREATE TABLE member_tiers (
                    member_id TEXT PRIMARY KEY REFERENCES members (id),
                    tier_id TEXT NOT NULL,
                    since_day BIGINT NOT NULL,
                    next_evaluation_day BIGINT NOT NULL,
                    grace_until_day BIGINT,
                    updated_at BIGINT NOT NULL)
                """,
                "CREATE INDEX member_tiers_due ON member_tiers (next_evaluation_day)",
                """
                CREATE TABLE tier_changes (
                    change_id \(serial),
                    member_id TEXT NOT NULL,
                    from_tier TEXT,
                    to_tier TEXT NOT NULL,
                    reason TEXT NOT NULL,
                    changed_at BIGINT NOT NULL)
                """,
                "CREATE INDEX tier_changes_by_member ON tier_changes (member_id, change_id)",
                """
                CREATE TABLE idempotent_requests (
                    request_key TEXT PRIMARY KEY,
                    request_fingerprint TEXT NOT NULL,
                    result TEXT,
                    created_at BIGINT NOT NULL)
                """,
            ]
        })
}
