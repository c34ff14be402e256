import PatronCore
import SQLKit

/// A webhook endpoint as stored: its secrets stay sealed in the database and are shown only when made.
public struct WebhookEndpoint: Sendable, Hashable {
    public var endpointID: String
    public var url: String
    public var description: String
    public var eventTypes: [WebhookEventType]
    public var disabledAt: Timestamp?
    public var disabledReason: String?
    /// Since when no delivery has succeeded; nil while it answers.
    public var failingSince: Timestamp?
    /// Until when the secret before the last rotation still signs.
    public var previousSecretUntil: Timestamp?
    /// Goes up by one with each change; the `ETag`.
    public var revision: Int64
    public var createdBy: String
    public var createdAt: Timestamp
    public var updatedAt: Timestamp

    public var isEnabled: Bool { disabledAt == nil }

    static let columns: SQLQueryString = """
        endpoint_id, url, description, event_types, disabled_at, disabled_reason, failing_since,
        previous_secret_until, revision, created_by, created_at, updated_at
        """

    init(row: any SQLRow) throws {
        endpointID = try row.decode(column: "endpoint_id", as: String.self)
        url = try row.decode(column: "url", as: String.self)
        description = try row.decode(column: "description", as: String.self)
        eventTypes = StoredList.values(try row.decode(column: "event_types", as: String.self))
            .compactMap(WebhookEventType.init(rawValue:))
        disabledAt = try row.decode(column: "disabled_at", as: Int64?.self).map(Timestamp.init(millisecondsSinceEpoch:))
        disabledReason = try row.decode(column: "disabled_reason", as: String?.self)
        failingSince = try row.decode(column: "failing_since", as: Int64?.self).map(
            Timestamp.init(millisecondsSinceEpoch:))
        previousSecretUntil = try row.decode(column: "previous_secret_until", as: Int64?.self).map(
            Timestamp.init(millisecondsSinceEpoch:))
        revision = try row.decode(column: "revision", as: Int64.self)
        createdBy = try row.decode(column: "created_by", as: String.self)
        createdAt = Timestamp(millisecondsSinceEpoch: try row.decode(column: "created_at", as: Int64.self))
        updatedAt = Timestamp(millisecondsSinceEpoch: try row.decode(column: "updated_at", as: Int64.self))
    }
}

public enum WebhookError: Error, Sendable, Hashable {
    case endpointNotFound(String)
    case deliveryNotFound(String)
    /// Nothing is sent to a disabled endpoint; enable it first.
    case endpointDisabled(String)
    /// The endpoint changed since the revision the caller read.
    case revisionMismatch(current: Int64)
}
