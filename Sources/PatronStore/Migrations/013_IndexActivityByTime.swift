extension Migration {
    /// Indexes that let the dashboard read a period's orders and point entries, members by when they joined and
    /// members per tier without reading the whole history: each holds the columns those reads need, so a read
    /// touches the index alone.
    static let indexActivityByTime = Migration(
        version: 13, name: "index activity by time",
        statements: [
            "CREATE INDEX orders_by_time ON orders (occurred_at, currency, member_id, total_minor)",
            "CREATE INDEX point_entries_by_time ON point_entries (created_at, kind, points)",
            "CREATE INDEX members_by_joining ON members (joined_at)",
            "CREATE INDEX member_tiers_by_tier ON member_tiers (tier_id)",
        ])
}
