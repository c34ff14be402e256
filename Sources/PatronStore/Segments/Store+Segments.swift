import Foundation
import PatronCore
import SQLKit

/// A segment as saved: one version of its definition.
public struct SavedSegment: Sendable, Hashable {
    public var segmentID: String
    public var version: Int64
    public var definition: SegmentDefinition
    /// The definition as it was written (`name` and `rule`), to answer with exactly that.
    public var source: JSONValue
    public var createdBy: String
    public var createdAt: Timestamp
}

public enum SegmentError: Error, Sendable, Hashable {
    case notFound(String)
    /// The segment is at another version than the one in `If-Match`.
    case versionMismatch(current: Int64)
}

extension Store {
    /// Saves a new version of the segment (its first makes it); answers it and whether it is new. A segment that
    /// was removed comes back as the next version.
    public func saveSegment(
        id: String, definition: SegmentDefinition, source: JSONValue, acceptedVersions: Set<Int64>?, by actor: String,
        at instant: Timestamp
    ) async throws -> (segment: SavedSegment, created: Bool) {
        let text = String(decoding: source.sortedText, as: UTF8.self)
        return try await database.write { database in
            let current = try await Self.lockSegment(id, acceptedVersions: acceptedVersions, in: database)
            let version = (current?.version ?? 0) + 1
            try await database.raw(
                """
                INSERT INTO segments (segment_id, version, name, definition, created_by, created_at, removed)
                VALUES (\(bind: id), \(bind: version), \(bind: definition.name), \(bind: text), \(bind: actor),
                        \(bind: instant.millisecondsSinceEpoch), 0)
                """
            ).run()
            let segment = SavedSegment(
                segmentID: id, version: version, definition: definition, source: source, createdBy: actor,
                createdAt: instant)
            return (segment, current == nil || current?.removed == true)
        }
    }

    /// Removes the segment: a last version records the removal, and the earlier ones stay.
    public func removeSegment(
        id: String, acceptedVersions: Set<Int64>?, by actor: String, at instant: Timestamp
    )
        async throws
    {
        try await database.write { database in
            guard let current = try await Self.lockSegment(id, acceptedVersions: acceptedVersions, in: database),
                !current.removed
            else { throw SegmentError.notFound(id) }
            try await database.raw(
                """
                INSERT INTO segments (segment_id, version, name, definition, created_by, created_at, removed)
                SELECT segment_id, version + 1, name, definition, \(bind: actor), \(bind: instant.millisecondsSinceEpoch), 1
                FROM segments WHERE segment_id = \(bind: id) AND version = \(bind: current.version)
                """
            ).run()
        }
    }

    /// The segment's version in force.
    public func segment(id: String) async throws -> SavedSegment {
        try await database.read { database in
            guard
                let row = try await database.raw(
                    """
                    SELECT segment_id, version, definition, created_by, created_at, removed FROM segments
                    WHERE segment_id = \(bind: id) ORDER BY version DESC LIMIT 1
                    """
                ).first(), try row.decode(column: "removed", as: Int64.self) == 0
            else { throw SegmentError.notFound(id) }
            return try Self.savedSegment(row)
        }
    }

    /// Every segment in force, by id.
    public func segments() async throws -> [SavedSegment] {
        try await database.read { database in
            try await database.raw(
                """
                SELECT s.segment_id, s.version, s.definition, s.created_by, s.created_at, s.removed FROM segments s
                WHERE s.version = (SELECT MAX(version) FROM segments l WHERE l.segment_id = s.segment_id)
                  AND s.removed = 0
                ORDER BY s.segment_id
                """
            ).all().map(Self.savedSegment)
        }
    }

    private static func savedSegment(_ row: any SQLRow) throws -> SavedSegment {
        let text = try row.decode(column: "definition", as: String.self)
        let source = try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
        return SavedSegment(
            segmentID: try row.decode(column: "segment_id", as: String.self),
            version: try row.decode(column: "version", as: Int64.self),
            definition: try SegmentDefinition.parse(source, vocabulary: .any), source: source,
            createdBy: try row.decode(column: "created_by", as: String.self),
            createdAt: Timestamp(millisecondsSinceEpoch: try row.decode(column: "created_at", as: Int64.self)))
    }

    /// The latest version of the segment, if any, locked against other writers of the same segment.
    private static func lockSegment(
        _ id: String, acceptedVersions: Set<Int64>?, in database: any SQLDatabase
    ) async throws -> (version: Int64, removed: Bool)? {
        if database.dialect.name == "postgresql" {
            // A new segment has no row to lock yet: writers of one id queue on a lock named by it.
            try await database.raw("SELECT pg_advisory_xact_lock(hashtext(\(bind: "segment:" + id)))").run()
        }
        let row = try await database.raw(
            "SELECT version, removed FROM segments WHERE segment_id = \(bind: id) ORDER BY version DESC LIMIT 1"
        ).first()
        let current: (version: Int64, removed: Bool)? = try row.map {
            (try $0.decode(column: "version", as: Int64.self), try $0.decode(column: "removed", as: Int64.self) != 0)
        }
        if let acceptedVersions, !acceptedVersions.contains(current?.version ?? 0) {
            throw SegmentError.versionMismatch(current: current?.version ?? 0)
        }
        return current
    }
}
