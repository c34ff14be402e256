import Foundation
import PatronCore
import SQLKit

/// A message template as saved: one version of it.
public struct SavedTemplate: Sendable, Hashable {
    public var templateID: String
    public var version: Int64
    public var template: MessageTemplate
    public var createdBy: String
    public var createdAt: Timestamp
}

public enum TemplateError: Error, Sendable, Hashable {
    case notFound(String)
    /// The template is at another version than the one in `If-Match`.
    case versionMismatch(current: Int64)
}

extension Store {
    /// Saves a new version of the template (its first makes it); answers it and whether it is new. Messages
    /// already queued keep the version they were queued with.
    public func saveTemplate(
        id: String, template: MessageTemplate, acceptedVersions: Set<Int64>?, by actor: String, at instant: Timestamp
    ) async throws -> (template: SavedTemplate, created: Bool) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let text = String(decoding: try encoder.encode(template), as: UTF8.self)
        return try await database.write { database in
            let current = try await Self.lockTemplate(id, acceptedVersions: acceptedVersions, in: database)
            let version = (current?.version ?? 0) + 1
            try await database.raw(
                """
                INSERT INTO message_templates (template_id, version, definition, created_by, created_at, removed)
                VALUES (\(bind: id), \(bind: version), \(bind: text), \(bind: actor),
                        \(bind: instant.millisecondsSinceEpoch), 0)
                """
            ).run()
            let saved = SavedTemplate(
                templateID: id, version: version, template: template, createdBy: actor, createdAt: instant)
            return (saved, current == nil || current?.removed == true)
        }
    }

    /// Removes the template: a last version records the removal; queued messages still send with theirs.
    public func removeTemplate(
        id: String, acceptedVersions: Set<Int64>?, by actor: String, at instant: Timestamp
    )
        async throws
    {
        try await database.write { database in
            guard let current = try await Self.lockTemplate(id, acceptedVersions: acceptedVersions, in: database),
                !current.removed
            else { throw TemplateError.notFound(id) }
            try await database.raw(
                """
                INSERT INTO message_templates (template_id, version, definition, created_by, created_at, removed)
                SELECT template_id, version + 1, definition, \(bind: actor), \(bind: instant.millisecondsSinceEpoch), 1
                FROM message_templates WHERE template_id = \(bind: id) AND version = \(bind: current.version)
                """
            ).run()
        }
    }

    /// The template's version in force, or the given version (removed or not: a queued message's).
    public func template(id: String, version: Int64? = nil) async throws -> SavedTemplate {
        try await database.read { database in
            try await Self.template(id: id, version: version, in: database)
        }
    }

    static func template(id: String, version: Int64?, in database: any SQLDatabase) async throws -> SavedTemplate {
        let versionFilter: SQLQueryString = version.map { "AND version = \(bind: $0)" } ?? ""
        guard
            let row = try await database.raw(
                """
                SELECT template_id, version, definition, created_by, created_at, removed FROM message_templates
                WHERE template_id = \(bind: id) \(versionFilter) ORDER BY version DESC LIMIT 1
                """
            ).first()
        else { throw TemplateError.notFound(id) }
        if version == nil, try row.decode(column: "removed", as: Int64.self) != 0 { throw TemplateError.notFound(id) }
        return try savedTemplate(row)
    }

    /// Every template in force, by id.
    public func templates() async throws -> [SavedTemplate] {
        try await database.read { database in
            try await database.raw(
                """
                SELECT t.template_id, t.version, t.definition, t.created_by, t.created_at, t.removed
                FROM message_templates t
                WHERE t.version = (SELECT MAX(version) FROM message_templates l WHERE l.template_id = t.template_id)
                  AND t.removed = 0
                ORDER BY t.template_id
                """
            ).all().map(Self.savedTemplate)
        }
    }

    private static func savedTemplate(_ row: any SQLRow) throws -> SavedTemplate {
        let text = try row.decode(column: "definition", as: String.self)
        return SavedTemplate(
            templateID: try row.decode(column: "template_id", as: String.self),
            version: try row.decode(column: "version", as: Int64.self),
            template: try JSONDecoder().decode(MessageTemplate.self, from: Data(text.utf8)),
            createdBy: try row.decode(column: "created_by", as: String.self),
            createdAt: Timestamp(millisecondsSinceEpoch: try row.decode(column: "created_at", as: Int64.self)))
    }

    /// The latest version of the template, if any, locked against other writers of the same template.
    private static func lockTemplate(
        _ id: String, acceptedVersions: Set<Int64>?, in database: any SQLDatabase
    ) async throws -> (version: Int64, removed: Bool)? {
        if database.dialect.name == "postgresql" {
            // A new template has no row to lock yet: writers of one id queue on a lock named by it.
            try await database.raw("SELECT pg_advisory_xact_lock(hashtext(\(bind: "template:" + id)))").run()
        }
        let row = try await database.raw(
            """
            SELECT version, removed FROM message_templates WHERE template_id = \(bind: id)
            ORDER BY version DESC LIMIT 1
            """
        ).first()
        let current: (version: Int64, removed: Bool)? = try row.map {
            (try $0.decode(column: "version", as: Int64.self), try $0.decode(column: "removed", as: Int64.self) != 0)
        }
        if let acceptedVersions, !acceptedVersions.contains(current?.version ?? 0) {
            throw TemplateError.versionMismatch(current: current?.version ?? 0)
        }
        return current
    }
}
