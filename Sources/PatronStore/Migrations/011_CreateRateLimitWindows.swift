extension Migration {
    /// Requests counted per subject, class and window, so several nodes on one PostgreSQL database share one budget.
    static let createRateLimitWindows = Migration(
        version: 11, name: "create rate limit windows",
        statements: [
            """
            CREATE TABLE rate_limit_windows (
                subject TEXT NOT NULL,
                window_start BIGINT NOT NULL,
                requests BIGINT NOT NULL,
                PRIMARY KEY (subject, window_start))
            """
        ])
}
