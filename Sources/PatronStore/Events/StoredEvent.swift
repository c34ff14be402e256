import PatronCore

/// An event as stored, its payloads opened.
public struct StoredEvent: Sendable, Hashable {
    public var messageID: String
    /// `track` or `identify`.
    public var type: String
    public var memberID: String?
    public var event: String?
    public var properties: [String: JSONValue]
    public var traits: [String: JSONValue]
    public var context: [String: JSONValue]
    public var occurredAt: Timestamp
}
