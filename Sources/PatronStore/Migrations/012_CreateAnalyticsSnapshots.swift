extension Migration {
    /// The analytics page's figures as of a local day and a model fit, computed once and kept: at a million members
    /// they take seconds to compute and a page must not.
    static let createAnalyticsSnapshots = Migration(
        version: 12, name: "create analytics snapshots",
        statements: [
            """
            CREATE TABLE analytics_snapshots (
                as_of_day BIGINT NOT NULL,
                fit_id BIGINT NOT NULL,
                computed_at BIGINT NOT NULL,
                body TEXT NOT NULL,
                PRIMARY KEY (as_of_day, fit_id))
            """
        ])
}
