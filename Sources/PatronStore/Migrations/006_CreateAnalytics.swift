extension Migration {
    /// Each refit of the customer-base models appends one row: the parameters, when and over what data they were
    /// fitted (the calibration day, and the order count and newest order that tell whether anything changed since).
    /// Predictions are computed from the latest row and each member's current history, so none are stored.
    /// `orders_for_analytics` holds every column the per-member totals read, in member order, so a million members'
    /// RFM is one scan of an index rather than millions of look-ups in the orders table.
    static let createAnalytics = Migration(
        version: 6, name: "create analytics",
        statements: { engine in
            let serial =
                engine == .postgres
                ? "BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY" : "INTEGER PRIMARY KEY AUTOINCREMENT"
            return [
                """
                CREATE TABLE analytics_model_fits (
                    fit_id \(serial),
                    fitted_at BIGINT NOT NULL,
                    calibration_end TEXT NOT NULL,
                    utc_offset_minutes BIGINT NOT NULL,
                    currency TEXT NOT NULL,
                    time_unit TEXT NOT NULL,
                    order_count BIGINT NOT NULL,
                    newest_order_created_at BIGINT NOT NULL,
                    customers BIGINT NOT NULL,
                    repeat_customers BIGINT NOT NULL,
                    bgnbd_r DOUBLE PRECISION NOT NULL,
                    bgnbd_alpha DOUBLE PRECISION NOT NULL,
                    bgnbd_a DOUBLE PRECISION NOT NULL,
                    bgnbd_b DOUBLE PRECISION NOT NULL,
                    bgnbd_log_likelihood DOUBLE PRECISION NOT NULL,
                    gamma_gamma_p DOUBLE PRECISION NOT NULL,
                    gamma_gamma_q DOUBLE PRECISION NOT NULL,
                    gamma_gamma_gamma DOUBLE PRECISION NOT NULL,
                    gamma_gamma_log_likelihood DOUBLE PRECISION NOT NULL)
                """,
                "CREATE INDEX orders_for_analytics ON orders (member_id, occurred_at, currency, total_minor)",
            ]
        })
}
