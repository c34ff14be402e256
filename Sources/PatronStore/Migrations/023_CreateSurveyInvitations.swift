extension Migration {
    /// Survey invitations and their answers: whom each asks what and why, until when its link works, and the
    /// value answered (the words go to the feedback item it became). One invitation per ticket, and per order
    /// sampled, at most.
    static let createSurveyInvitations = Migration(
        version: 23, name: "create survey invitations",
        statements: [
            """
            CREATE TABLE survey_invitations (
                invitation_id TEXT PRIMARY KEY,
                member_id TEXT NOT NULL REFERENCES members (id),
                kind TEXT NOT NULL,
                reason TEXT NOT NULL,
                order_id TEXT,
                ticket_id TEXT UNIQUE REFERENCES tickets (ticket_id),
                store_id TEXT,
                channel TEXT,
                language TEXT NOT NULL,
                created_by TEXT NOT NULL,
                created_at BIGINT NOT NULL,
                expires_at BIGINT NOT NULL,
                answered_at BIGINT,
                answer_value BIGINT,
                feedback_id TEXT REFERENCES feedback (feedback_id))
            """,
            "CREATE INDEX survey_invitations_by_member ON survey_invitations (member_id, created_at)",
            "CREATE INDEX survey_invitations_by_time ON survey_invitations (kind, created_at)",
            "CREATE INDEX survey_invitations_by_feedback ON survey_invitations (feedback_id)",
            "CREATE UNIQUE INDEX survey_invitations_once_per_order ON survey_invitations (order_id) WHERE reason = 'order'",
            // How far the orders have been looked at for invitations after an order.
            "CREATE TABLE survey_marks (kind TEXT PRIMARY KEY, through BIGINT NOT NULL)",
        ])
}
