import PatronCore

/// How an event's `properties`, `traits` and `context` are stored: sealed with AES-GCM under the member's key
/// like profile fields (an anonymous visitor's under the shared key), since they hold personal data (identify traits name the person; properties and context may hold an
/// address, a review, an IP address). An empty object is stored as `{}`; a stored value that starts with `{`
/// is plain JSON (empty, or written before payloads were sealed).
enum EventPayload {
    static func seal(_ payload: [String: JSONValue], with sealer: PersonalSealer) throws -> String {
        if payload.isEmpty { return "{}" }
        return try sealer.seal(try JSONCoding.encode(.object(payload)))
    }

    static func open(_ stored: String, with sealer: PersonalSealer) throws -> [String: JSONValue] {
        try JSONCoding.decodeObject(stored.hasPrefix("{") ? stored : try sealer.open(stored))
    }
}
