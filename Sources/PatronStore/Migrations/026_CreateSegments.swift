extension Migration {
    /// Saved segments, every version kept: the one with the highest number is in force, unless it records the
    /// segment's removal.
    static let createSegments = Migration(
        version: 26, name: "create segments",
        statements: [
            """
            CREATE TABLE segments (
                segment_id TEXT NOT NULL,
                version BIGINT NOT NULL,
                name TEXT NOT NULL,
                definition TEXT NOT NULL,
                created_by TEXT NOT NULL,
                created_at BIGINT NOT NULL,
                removed BIGINT NOT NULL,
                PRIMARY KEY (segment_id, version))
            """
        ])
}
