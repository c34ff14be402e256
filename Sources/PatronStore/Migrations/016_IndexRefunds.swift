extension Migration {
    /// Refunds by their order and by their member: a period's refunds are found from its orders, and one member's
    /// from the member, instead of reading every refund.
    static let indexRefunds = Migration(
        version: 16, name: "index refunds",
        statements: [
            "CREATE INDEX refunds_by_order ON refunds (order_id, amount_minor)",
            "CREATE INDEX refunds_by_member ON refunds (member_id)",
        ])
}
