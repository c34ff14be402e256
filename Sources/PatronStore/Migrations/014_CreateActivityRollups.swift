extension Migration {
    /// Sums of each local day that is over, so the overview reads a year as a few hundred rows instead of the
    /// year's orders (see `ActivityRollups`). `activity_rollups` is one row: which program offset and currency the
    /// sums are for, the instant before which they are whole, and a generation that every late write bumps.
    static let createActivityRollups = Migration(
        version: 14, name: "create activity rollups",
        statements: [
            """
            CREATE TABLE activity_rollups (
                id BIGINT PRIMARY KEY CHECK (id = 1),
                utc_offset_minutes BIGINT NOT NULL,
                currency TEXT NOT NULL,
                valid_until BIGINT NOT NULL,
                generation BIGINT NOT NULL,
                built_at BIGINT NOT NULL)
            """,
            "INSERT INTO activity_rollups VALUES (1, 0, '', 0, 0, 0)",
            """
            CREATE TABLE activity_days (
                day BIGINT PRIMARY KEY,
                orders BIGINT NOT NULL,
                customers BIGINT NOT NULL,
                revenue_minor BIGINT NOT NULL,
                entered BIGINT NOT NULL)
            """,
            """
            CREATE TABLE activity_points (
                day BIGINT NOT NULL,
                kind TEXT NOT NULL,
                points BIGINT NOT NULL,
                PRIMARY KEY (day, kind))
            """,
            """
            CREATE TABLE activity_order_gaps (
                day BIGINT NOT NULL,
                nth BIGINT NOT NULL,
                gap_days BIGINT NOT NULL,
                orders BIGINT NOT NULL,
                PRIMARY KEY (day, nth, gap_days))
            """,
        ])
}
