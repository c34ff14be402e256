extension Migration {
    /// The rewards catalog (definitions as JSON, stock as a conditional counter), redemptions and their
    /// coupons, referral codes and links, hashed device ids for self-referral checks, and campaign grants.
    static let createRewards = Migration(
        version: 7, name: "create rewards",
        statements: [
            """
            CREATE TABLE rewards (
                reward_id TEXT PRIMARY KEY,
                definition TEXT NOT NULL,
                stock BIGINT,
                issued BIGINT NOT NULL,
                created_at BIGINT NOT NULL,
                updated_at BIGINT NOT NULL)
            """,
            """
            CREATE TABLE redemptions (
                redemption_id TEXT PRIMARY KEY,
                member_id TEXT NOT NULL REFERENCES members (id),
                reward_id TEXT NOT NULL REFERENCES rewards (reward_id),
                kind TEXT NOT NULL,
                points BIGINT NOT NULL,
                coupon_code TEXT UNIQUE,
                status TEXT NOT NULL,
                source TEXT NOT NULL,
                campaign_id TEXT,
                local_day BIGINT NOT NULL,
                issued_at BIGINT NOT NULL,
                expires_at BIGINT,
                used_order_id TEXT,
                used_at BIGINT,
                cancelled_at BIGINT)
            """,
            "CREATE INDEX redemptions_member ON redemptions (member_id, reward_id, local_day)",
            "CREATE INDEX redemptions_reward ON redemptions (reward_id, status)",
            """
            CREATE TABLE referral_codes (
                member_id TEXT PRIMARY KEY REFERENCES members (id),
                code TEXT NOT NULL UNIQUE,
                created_at BIGINT NOT NULL)
            """,
            """
            CREATE TABLE member_devices (
                member_id TEXT NOT NULL REFERENCES members (id),
                device_index TEXT NOT NULL,
                created_at BIGINT NOT NULL,
                PRIMARY KEY (member_id, device_index))
            """,
            "CREATE INDEX member_devices_index ON member_devices (device_index)",
            """
            CREATE TABLE referrals (
                referee_id TEXT PRIMARY KEY REFERENCES members (id),
                referrer_id TEXT NOT NULL REFERENCES members (id),
                status TEXT NOT NULL,
                order_id TEXT,
                due_at BIGINT,
                rewarded_at BIGINT,
                created_at BIGINT NOT NULL)
            """,
            "CREATE INDEX referrals_referrer ON referrals (referrer_id)",
            "CREATE INDEX referrals_due ON referrals (status, due_at)",
            """
            CREATE TABLE campaign_grants (
                campaign_id TEXT NOT NULL,
                member_id TEXT NOT NULL REFERENCES members (id),
                points BIGINT NOT NULL,
                redemption_id TEXT,
                granted_at BIGINT NOT NULL,
                PRIMARY KEY (campaign_id, member_id))
            """,
        ])
}
