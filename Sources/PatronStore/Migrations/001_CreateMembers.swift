extension Migration {
    /// Personal data is encrypted (`*_ciphertext`); emails and phones are found through
    /// keyed blind indexes, one identity of each kind per member, each owned by one member.
    static let createMembers = Migration(
        version: 1, name: "create members",
        statements: [
            """
            CREATE TABLE members (
                id TEXT PRIMARY KEY,
                external_id TEXT UNIQUE,
                status TEXT NOT NULL,
                tier TEXT,
                name_ciphertext TEXT,
                birthday_ciphertext TEXT,
                attributes TEXT NOT NULL,
                joined_at BIGINT NOT NULL,
                created_at BIGINT NOT NULL,
                updated_at BIGINT NOT NULL)
            """,
            """
            CREATE TABLE member_identities (
                member_id TEXT NOT NULL REFERENCES members (id),
                kind TEXT NOT NULL,
                blind_index TEXT NOT NULL,
                value_ciphertext TEXT NOT NULL,
                created_at BIGINT NOT NULL,
                PRIMARY KEY (member_id, kind),
                UNIQUE (kind, blind_index))
            """,
        ])
}
