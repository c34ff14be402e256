extension Migration {
    /// Service tickets, their messages (sealed like other personal data), their deadlines as rows with due
    /// times — found through partial indexes, so the next one is one look-up however many tickets are open — and
    /// what happened to each.
    static let createTickets = Migration(
        version: 22, name: "create tickets",
        statements: { engine in
            let serial =
                engine == .postgres
                ? "BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY" : "INTEGER PRIMARY KEY AUTOINCREMENT"
            return [
                """
                CREATE TABLE tickets (
                    ticket_id TEXT PRIMARY KEY,
                    member_id TEXT REFERENCES members (id),
                    feedback_id TEXT UNIQUE REFERENCES feedback (feedback_id),
                    subject_ciphertext TEXT,
                    priority TEXT NOT NULL,
                    state TEXT NOT NULL,
                    queue TEXT NOT NULL,
                    store_id TEXT,
                    assignee TEXT REFERENCES staff_users (id),
                    assigned_at BIGINT,
                    merged_into TEXT REFERENCES tickets (ticket_id),
                    opened_by TEXT NOT NULL,
                    opened_at BIGINT NOT NULL,
                    first_responded_at BIGINT,
                    resolved_at BIGINT,
                    closed_at BIGINT,
                    updated_at BIGINT NOT NULL)
                """,
                "CREATE INDEX tickets_by_state ON tickets (state, queue, opened_at)",
                "CREATE INDEX tickets_by_member ON tickets (member_id, opened_at)",
                "CREATE INDEX tickets_by_assignee ON tickets (assignee, state)",
                // Who works each queue: a ticket entering one goes to its least busy member.
                """
                CREATE TABLE ticket_queue_members (
                    queue TEXT NOT NULL,
                    user_id TEXT NOT NULL REFERENCES staff_users (id),
                    last_assigned_at BIGINT,
                    PRIMARY KEY (queue, user_id))
                """,
                "CREATE INDEX ticket_queue_members_by_user ON ticket_queue_members (user_id)",
                """
                CREATE TABLE ticket_messages (
                    message_id TEXT PRIMARY KEY,
                    ticket_id TEXT NOT NULL REFERENCES tickets (ticket_id),
                    kind TEXT NOT NULL,
                    author TEXT NOT NULL,
                    body_ciphertext TEXT,
                    created_at BIGINT NOT NULL)
                """,
                "CREATE INDEX ticket_messages_by_ticket ON ticket_messages (ticket_id, created_at)",
                """
                CREATE TABLE ticket_deadlines (
                    ticket_id TEXT NOT NULL REFERENCES tickets (ticket_id),
                    kind TEXT NOT NULL,
                    target_minutes BIGINT NOT NULL,
                    running_since BIGINT,
                    elapsed BIGINT NOT NULL,
                    warn_at BIGINT,
                    due_at BIGINT,
                    warned_at BIGINT,
                    breached_at BIGINT,
                    met_at BIGINT,
                    PRIMARY KEY (ticket_id, kind))
                """,
                "CREATE INDEX ticket_deadlines_to_warn ON ticket_deadlines (warn_at) WHERE warned_at IS NULL AND met_at IS NULL",
                "CREATE INDEX ticket_deadlines_to_breach ON ticket_deadlines (due_at) WHERE breached_at IS NULL AND met_at IS NULL",
                """
                CREATE TABLE ticket_events (
                    event_id \(serial),
                    ticket_id TEXT NOT NULL REFERENCES tickets (ticket_id),
                    kind TEXT NOT NULL,
                    detail TEXT NOT NULL,
                    actor TEXT NOT NULL,
                    at BIGINT NOT NULL)
                """,
                "CREATE INDEX ticket_events_by_ticket ON ticket_events (ticket_id, event_id)",
            ]
        })
}
