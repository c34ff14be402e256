extension Migration {
    /// Consent: every statement a member made (history, with who recorded it), the newest per purpose and channel
    /// (one read answers "may I?"), and the privacy policy versions people were shown.
    static let createConsents = Migration(
        version: 18, name: "create consents",
        statements: [
            """
            CREATE TABLE privacy_policies (
                version TEXT PRIMARY KEY,
                effective_from BIGINT NOT NULL,
                text_zh TEXT NOT NULL,
                text_en TEXT NOT NULL,
                created_by TEXT,
                created_at BIGINT NOT NULL)
            """,
            "CREATE INDEX privacy_policies_by_effect ON privacy_policies (effective_from)",
            """
            CREATE TABLE consent_records (
                record_id TEXT PRIMARY KEY,
                member_id TEXT NOT NULL REFERENCES members (id),
                purpose TEXT NOT NULL,
                channel TEXT NOT NULL,
                state TEXT NOT NULL,
                source TEXT NOT NULL,
                policy_version TEXT REFERENCES privacy_policies (version),
                evidence_ciphertext TEXT,
                recorded_by TEXT NOT NULL,
                given_at BIGINT NOT NULL,
                recorded_at BIGINT NOT NULL)
            """,
            "CREATE INDEX consent_records_by_member ON consent_records (member_id, given_at)",
            """
            CREATE TABLE member_consents (
                member_id TEXT NOT NULL REFERENCES members (id),
                purpose TEXT NOT NULL,
                channel TEXT NOT NULL,
                state TEXT NOT NULL,
                record_id TEXT NOT NULL REFERENCES consent_records (record_id),
                given_at BIGINT NOT NULL,
                PRIMARY KEY (member_id, purpose, channel))
            """,
            "CREATE INDEX member_consents_by_purpose ON member_consents (purpose, channel, state)",
        ])
}
