extension Migration {
    /// Feedback from every channel: its text and contact sealed like other personal data, what Patron made of it,
    /// and when retention or erasure removed its words.
    static let createFeedback = Migration(
        version: 21, name: "create feedback",
        statements: [
            """
            CREATE TABLE feedback (
                feedback_id TEXT PRIMARY KEY,
                channel TEXT NOT NULL,
                member_id TEXT REFERENCES members (id),
                contact_ciphertext TEXT,
                order_id TEXT,
                store_id TEXT,
                rating BIGINT,
                score BIGINT,
                text_ciphertext TEXT,
                language TEXT,
                tags TEXT NOT NULL,
                severity TEXT NOT NULL,
                urgent_topics TEXT NOT NULL,
                request_fingerprint TEXT NOT NULL,
                submitted_at BIGINT NOT NULL,
                received_at BIGINT NOT NULL,
                text_removed_at BIGINT)
            """,
            "CREATE INDEX feedback_by_member ON feedback (member_id, received_at)",
            "CREATE INDEX feedback_by_receipt ON feedback (received_at, feedback_id)",
            "CREATE INDEX feedback_text_kept ON feedback (submitted_at) WHERE text_removed_at IS NULL",
        ])
}
