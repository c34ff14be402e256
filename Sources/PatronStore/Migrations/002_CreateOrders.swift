extension Migration {
    /// Orders are immutable once written; `request_fingerprint` tells a replay from a different
    /// order sent under an id already used.
    static let createOrders = Migration(
        version: 2, name: "create orders",
        statements: [
            """
            CREATE TABLE orders (
                order_id TEXT PRIMARY KEY,
                member_id TEXT NOT NULL REFERENCES members (id),
                occurred_at BIGINT NOT NULL,
                currency TEXT NOT NULL,
                channel TEXT NOT NULL,
                store_id TEXT,
                subtotal_minor BIGINT NOT NULL,
                discount_minor BIGINT NOT NULL,
                shipping_minor BIGINT NOT NULL,
                total_minor BIGINT NOT NULL,
                request_fingerprint TEXT NOT NULL,
                created_at BIGINT NOT NULL)
            """,
            "CREATE INDEX orders_by_member ON orders (member_id, occurred_at, order_id)",
            """
            CREATE TABLE order_lines (
                order_id TEXT NOT NULL REFERENCES orders (order_id),
                line_number BIGINT NOT NULL,
                sku TEXT NOT NULL,
                name TEXT,
                category TEXT,
                quantity BIGINT NOT NULL,
                unit_price_minor BIGINT NOT NULL,
                discount_minor BIGINT NOT NULL,
                PRIMARY KEY (order_id, line_number))
            """,
        ])
}
