/// What a shop asks for when it adds or replaces a webhook endpoint: where to post, which events, a note for
/// people, and whether it is on.
public struct WebhookEndpointDraft: Sendable, Hashable {
    public static let maximumDescriptionLength = 200

    public var url: WebhookEndpointURL
    public var eventTypes: Set<WebhookEventType>
    public var description: String
    public var enabled: Bool

    public init(
        url: WebhookEndpointURL, eventTypes: Set<WebhookEventType>, description: String = "", enabled: Bool = true
    ) {
        self.url = url
        self.eventTypes = eventTypes
        self.description = description
        self.enabled = enabled
    }

    /// Validates a request body, reporting every problem at once. Whether the host is on the public internet
    /// needs a name lookup, so the caller checks that.
    public static func parse(_ body: JSONValue) throws(ValidationFailure) -> WebhookEndpointDraft {
        var reader = FieldReader(body)
        let urlText = reader.string("url", required: true, maxLength: WebhookEndpointURL.maximumLength)
        var url: WebhookEndpointURL?
        if let urlText {
            do throws(WebhookEndpointURLError) {
                url = try WebhookEndpointURL(urlText)
            } catch {
                reader.fail("url", error.description)
            }
        }
        var types: Set<WebhookEventType> = []
        if let names = reader.strings("event_types", maxLength: 64) {
            for (index, name) in names.enumerated() {
                guard let type = WebhookEventType(rawValue: name) else {
                    reader.fail(
                        "event_types/\(index)",
                        "is not an event type; known: \(WebhookEventType.allCases.map(\.rawValue).joined(separator: ", "))"
                    )
                    continue
                }
                types.insert(type)
            }
            if names.isEmpty { reader.fail("event_types", "must name at least one event type") }
        } else if reader.raw("event_types") == nil {
            reader.fail("event_types", "is required")
        }
        let description = reader.string("description", maxLength: maximumDescriptionLength) ?? ""
        let enabled = reader.bool("enabled") ?? true
        try reader.finish()
        guard let url else { throw ValidationFailure(pointer: "/url", detail: "is required") }
        return WebhookEndpointDraft(url: url, eventTypes: types, description: description, enabled: enabled)
    }
}
