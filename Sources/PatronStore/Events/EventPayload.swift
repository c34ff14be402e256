import PatronCore

/// How an event's `properties`, `traits` and `context` are stored: sealed with AES-GCM like profile fields,
/// since they hold personal data (identify traits name the person; properties and context may hold an
/// address, a review, an IP address). An empty object is stored as `{}`; a stored value that starts with `{`
/// is plain JSON (empty, or written before payloads were sealed).
enum EventPayload {
    static func seal(_ payload: [String: JSONValue], with protector: DataProtector) throws -> String {
        if payload.isEmpty { return "{}" }
        return try protector.seal(try JSONCoding.encode(.object(payload)))
    }

    static func open(_ stored: String, with protector: DataProtector) throws -> [String: JSONValue] {
        try JSONCoding.decodeObject(stored.hasPrefix("{") ? stored : try protector.open(stored))
    }
}
