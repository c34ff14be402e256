/// Where every table stands towards a person. The export reads each table that holds something about a member;
/// a test lists the database's tables and fails on one that is in no list here, so a new table cannot be left
/// out of exports (and erasure) unnoticed.
public enum PersonalDataMap {
    /// How a table's rows belong to a member.
    public enum Link: Sendable, Hashable {
        /// Rows whose column names the member.
        case member(columns: [String])
        /// Rows that belong to rows of another member table, joined on a column of both.
        case through(parent: String, column: String)
    }

    /// Tables with rows about one member, in the order an export lists them.
    public static let memberTables: [(table: String, link: Link)] = [
        ("members", .member(columns: ["id"])),
        ("member_identities", .member(columns: ["member_id"])),
        ("orders", .member(columns: ["member_id"])),
        ("order_lines", .through(parent: "orders", column: "order_id")),
        ("order_line_points", .through(parent: "orders", column: "order_id")),
        ("refunds", .member(columns: ["member_id"])),
        ("refund_lines", .through(parent: "refunds", column: "refund_id")),
        ("point_balances", .member(columns: ["member_id"])),
        ("point_lots", .member(columns: ["member_id"])),
        ("point_entries", .member(columns: ["member_id"])),
        ("point_allocations", .through(parent: "point_entries", column: "entry_id")),
        ("point_awards", .member(columns: ["member_id"])),
        ("qualifying_activity", .member(columns: ["member_id"])),
        ("member_tiers", .member(columns: ["member_id"])),
        ("tier_changes", .member(columns: ["member_id"])),
        ("redemptions", .member(columns: ["member_id"])),
        ("campaign_grants", .member(columns: ["member_id"])),
        ("referral_codes", .member(columns: ["member_id"])),
        ("referrals", .member(columns: ["referee_id", "referrer_id"])),
        ("member_devices", .member(columns: ["member_id"])),
        ("events", .member(columns: ["member_id"])),
        ("member_consents", .member(columns: ["member_id"])),
        ("consent_records", .member(columns: ["member_id"])),
        ("feedback", .member(columns: ["member_id"])),
        ("tickets", .member(columns: ["member_id"])),
        ("ticket_messages", .through(parent: "tickets", column: "ticket_id")),
        ("ticket_deadlines", .through(parent: "tickets", column: "ticket_id")),
        ("ticket_events", .through(parent: "tickets", column: "ticket_id")),
        ("survey_invitations", .member(columns: ["member_id"])),
        ("privacy_requests", .member(columns: ["member_id"])),
        ("outbox_events", .member(columns: ["member_id"])),
        ("messages", .member(columns: ["member_id"])),
        ("message_attempts", .through(parent: "messages", column: "message_id")),
        ("campaign_recipients", .member(columns: ["member_id"])),
    ]

    /// Tables about members that an export leaves out, and why.
    public static let withheld: [String: String] = [
        "member_keys": "key material: the member's data key, wrapped; giving it out would weaken its protection",
        "idempotent_requests": "replay records of retried writes, each also recorded where it took effect",
        "audit_log": "the shop's record of who acted, kept for accountability; it holds no personal values",
        "audit_objects": "the ids an audit entry names",
        "analytics_snapshots": "each day's figures for the whole base; its at-risk list names member ids only",
        "webhook_deliveries": "when each event listed under outbox_events was sent to the shop's own systems",
        "webhook_attempts": "each try of those deliveries: times and the receiver's answers",
    ]

    /// Tables that hold nothing about any one person: configuration, the staff's own records, and totals.
    public static let notPersonal: Set<String> = [
        "message_templates",
        "schema_migrations", "api_keys", "loyalty_programs", "rule_totals", "rewards", "surprise_campaigns",
        "analytics_model_fits", "activity_rollups", "activity_days", "activity_points",
        "activity_order_gaps", "rate_limit_windows", "staff_roles", "staff_users", "staff_sessions",
        "sign_in_failures", "privacy_policies", "protection_keys", "order_line_summaries", "retention_marks",
        "survey_marks", "ticket_queue_members", "sentiment_models", "sentiment_model_activations", "webhook_endpoints",
        "segments", "campaigns",
    ]

    /// Columns holding a sealed JSON object rather than sealed text.
    static let sealedObjectColumns: [String: Set<String>] = ["events": ["properties", "traits", "context"]]

    /// Columns never exported: keyed digests for lookup, which say nothing the export does not say in the clear.
    static let digestColumns: Set<String> = ["blind_index", "device_index", "erased_external_index"]
}
