extension Migration {
    /// The sentiment and topics of each feedback item's text, and the sentiment models a business installed: every version
    /// kept, the one in force being the latest activation (version 0 is the built-in model).
    static let createSentimentModels = Migration(
        version: 24, name: "create sentiment models",
        statements: [
            "ALTER TABLE feedback ADD COLUMN sentiment TEXT",
            "ALTER TABLE feedback ADD COLUMN sentiment_score DOUBLE PRECISION",
            "ALTER TABLE feedback ADD COLUMN topics TEXT",
            """
            CREATE TABLE sentiment_models (
                version BIGINT PRIMARY KEY,
                name TEXT NOT NULL,
                model TEXT NOT NULL,
                installed_by TEXT,
                installed_at BIGINT NOT NULL)
            """,
            """
            CREATE TABLE sentiment_model_activations (
                activation BIGINT PRIMARY KEY,
                version BIGINT NOT NULL,
                activated_by TEXT,
                activated_at BIGINT NOT NULL)
            """,
        ])
}
