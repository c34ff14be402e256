import PatronCore
import PatronStore

/// A message template's version in force, as the API shows it.
struct TemplateResource: Encodable {
    let template: SavedTemplate

    private enum CodingKeys: String, CodingKey {
        case version, name, category, contents
        case templateID = "template_id"
        case defaultLanguage = "default_language"
        case createdBy = "created_by"
        case createdAt = "created_at"
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(template.templateID, forKey: .templateID)
        try container.encode(template.version, forKey: .version)
        try container.encode(template.template.name, forKey: .name)
        try container.encode(template.template.category, forKey: .category)
        try container.encode(template.template.defaultLanguage, forKey: .defaultLanguage)
        try container.encode(template.template.contents.map(ContentResource.init), forKey: .contents)
        try container.encode(template.createdBy, forKey: .createdBy)
        try container.encode(template.createdAt, forKey: .createdAt)
    }

    /// A content with every key present: null where a channel has no subject or HTML.
    private struct ContentResource: Encodable {
        let content: TemplateContent

        private enum CodingKeys: String, CodingKey { case channel, language, subject, text, html }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(content.channel, forKey: .channel)
            try container.encode(content.language, forKey: .language)
            try container.encode(content.subject, forKey: .subject)
            try container.encode(content.text, forKey: .text)
            try container.encode(content.html, forKey: .html)
        }
    }
}

/// A template as one member would read it.
struct RenderedResource: Encodable {
    let channel: MessageChannel
    let language: String
    let version: Int64
    let message: RenderedMessage

    private enum CodingKeys: String, CodingKey { case channel, language, version, subject, text, html }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(channel, forKey: .channel)
        try container.encode(language, forKey: .language)
        try container.encode(version, forKey: .version)
        try container.encode(message.subject, forKey: .subject)
        try container.encode(message.text, forKey: .text)
        try container.encode(message.html, forKey: .html)
    }
}

/// A message in the log, with its attempts when one message is asked for.
struct MessageResource: Encodable {
    let message: MessageRecord
    var attempts: [MessageAttempt]?

    private enum CodingKeys: String, CodingKey {
        case key, category, channels, source, refs, status, channel, attempts
        case messageID = "message_id"
        case memberID = "member_id"
        case templateID = "template_id"
        case templateVersion = "template_version"
        case skipReason = "skip_reason"
        case dueAt = "due_at"
        case providerReference = "provider_reference"
        case lastError = "last_error"
        case createdAt = "created_at"
        case updatedAt = "updated_at"
        case attemptCount = "attempt_count"
    }

    private struct AttemptResource: Encodable {
        let attempt: MessageAttempt

        private enum CodingKeys: String, CodingKey {
            case attempt, channel, outcome, detail
            case startedAt = "started_at"
            case durationMilliseconds = "duration_ms"
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(attempt.attempt, forKey: .attempt)
            try container.encode(attempt.channel, forKey: .channel)
            try container.encode(attempt.startedAt, forKey: .startedAt)
            try container.encode(attempt.outcome, forKey: .outcome)
            try container.encode(attempt.detail, forKey: .detail)
            try container.encode(attempt.durationMilliseconds, forKey: .durationMilliseconds)
        }
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(message.messageID, forKey: .messageID)
        // The key as its sender gave it, without the prefix that keeps each source's keys apart.
        let key = message.naturalKey.hasPrefix("api:") ? String(message.naturalKey.dropFirst(4)) : message.naturalKey
        try container.encode(key, forKey: .key)
        try container.encode(message.memberID, forKey: .memberID)
        try container.encode(message.templateID, forKey: .templateID)
        try container.encode(message.templateVersion, forKey: .templateVersion)
        try container.encode(message.category, forKey: .category)
        try container.encode(message.channels, forKey: .channels)
        try container.encode(message.source, forKey: .source)
        try container.encode(message.refs, forKey: .refs)
        try container.encode(message.status, forKey: .status)
        try container.encode(message.channel, forKey: .channel)
        try container.encode(message.skipReason, forKey: .skipReason)
        try container.encode(message.attempts, forKey: .attemptCount)
        try container.encode(message.dueAt, forKey: .dueAt)
        try container.encode(message.providerReference, forKey: .providerReference)
        try container.encode(message.lastError, forKey: .lastError)
        try container.encode(message.createdAt, forKey: .createdAt)
        try container.encode(message.updatedAt, forKey: .updatedAt)
        if let attempts { try container.encode(attempts.map(AttemptResource.init), forKey: .attempts) }
    }
}

/// How the messages from one source stand: counts per state, and skips per reason.
struct MessageSummaryResource: Encodable {
    let source: String
    let total: Int
    let byStatus: [String: Int]
    let skipped: [String: Int]

    enum CodingKeys: String, CodingKey {
        case source, total, skipped
        case byStatus = "by_status"
    }
}

/// Counts keyed by the raw values of an enumeration, every case present.
func counts<Key: RawRepresentable & CaseIterable & Hashable>(_ values: [Key: Int]) -> [String: Int]
where Key.RawValue == String {
    Dictionary(uniqueKeysWithValues: Key.allCases.map { ($0.rawValue, values[$0] ?? 0) })
}
