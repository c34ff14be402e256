/// What one channel says in one language: Mustache texts over ``TemplateVariables``.
public struct TemplateContent: Sendable, Hashable, Codable {
    public var channel: MessageChannel
    /// A language tag such as `zh`, `zh-CN` or `en`.
    public var language: String
    /// An email's subject or a push notification's title; none on the other channels.
    public var subject: String?
    public var text: String
    /// An email's HTML part, beside its text; none on the other channels.
    public var html: String?

    public init(channel: MessageChannel, language: String, subject: String?, text: String, html: String?) {
        self.channel = channel
        self.language = language
        self.subject = subject
        self.text = text
        self.html = html
    }
}

/// A message template: its name, why it is sent, and its contents per channel and language.
public struct MessageTemplate: Sendable, Hashable, Codable {
    public var name: String
    public var category: MessageCategory
    /// The language a member gets when the template has none of theirs (`zh` → `en`, say).
    public var defaultLanguage: String
    public var contents: [TemplateContent]

    enum CodingKeys: String, CodingKey {
        case name, category, contents
        case defaultLanguage = "default_language"
    }

    public static let maximumContents = 32
    public static let maximumTextLength = 100_000

    /// The channels the template can be sent on.
    public var channels: [MessageChannel] {
        MessageChannel.allCases.filter { channel in contents.contains { $0.channel == channel } }
    }

    /// The content for a member who reads `language` (nil: unknown): that language, else its primary language
    /// (`zh` for `zh-TW`), else the template's default language.
    public func content(for channel: MessageChannel, language: String?) -> TemplateContent? {
        let onChannel = contents.filter { $0.channel == channel }
        var wanted: [String] = []
        if let language = language?.lowercased() {
            wanted.append(language)
            if let primary = language.split(separator: "-").first { wanted.append(String(primary)) }
        }
        wanted.append(defaultLanguage.lowercased())
        for language in wanted {
            if let content = onChannel.first(where: { $0.language.lowercased() == language }) { return content }
        }
        return nil
    }

    /// Whether `id` may name a template: 1 to 64 letters, digits, `-` or `_`.
    public static func isValidID(_ id: String) -> Bool {
        SegmentDefinition.isValidID(id)
    }

    /// Reads and checks a template (`{name, category, default_language, contents: [{channel, language, subject,
    /// text, html}]}`), reporting every problem at once: each text is checked by ``TemplateCheck``.
    public static func parse(_ body: JSONValue) throws(ValidationFailure) -> MessageTemplate {
        var reader = FieldReader(body)
        let name = reader.string("name", required: true, maxLength: 200)
        if name?.trimmingWhitespace().isEmpty == true { reader.fail("name", "must not be blank") }
        let category: MessageCategory? = reader.choice("category", required: true)
        var seen: Set<String> = []
        let contents =
            reader.objects("contents", required: true) { item -> TemplateContent? in
                readContent(&item, seen: &seen)
            } ?? []
        if contents.isEmpty, reader.raw("contents") != nil { reader.fail("contents", "must hold at least one content") }
        if contents.count > maximumContents { reader.fail("contents", "must hold at most \(maximumContents)") }
        let givenDefault = reader.string("default_language", maxLength: 35)
        if let givenDefault {
            if !isLanguageTag(givenDefault) {
                reader.fail("default_language", "must be a language tag such as zh, zh-CN or en")
            } else if !contents.isEmpty, !contents.contains(nil),
                !contents.contains(where: { $0?.language.lowercased() == givenDefault.lowercased() })
            {
                reader.fail("default_language", "must be the language of one of the contents")
            }
        }
        let defaultLanguage = givenDefault ?? contents.first??.language
        try reader.finish()
        guard let name, let category, let defaultLanguage else {
            throw ValidationFailure(pointer: "/", detail: "is incomplete")
        }
        return MessageTemplate(
            name: name, category: category, defaultLanguage: defaultLanguage, contents: contents.compactMap { $0 })
    }

    private static func readContent(_ item: inout FieldReader, seen: inout Set<String>) -> TemplateContent? {
        let channel: MessageChannel? = item.choice("channel", required: true)
        let language = item.string("language", required: true, maxLength: 35)
        if let language, !isLanguageTag(language) {
            item.fail("language", "must be a language tag such as zh, zh-CN or en")
        }
        let subject = item.string("subject", maxLength: 500)
        let text = item.string("text", required: true, maxLength: maximumTextLength)
        let html = item.string("html", maxLength: maximumTextLength)
        if let channel {
            if channel.hasSubject, subject == nil { item.fail("subject", "is required for \(channel.rawValue)") }
            if !channel.hasSubject, item.raw("subject") != nil {
                item.fail("subject", "must be left out for \(channel.rawValue): it has no subject")
            }
            if !channel.hasHTML, item.raw("html") != nil {
                item.fail("html", "must be left out for \(channel.rawValue): it is plain text")
            }
            if let language, !seen.insert("\(channel.rawValue)/\(language.lowercased())").inserted {
                item.fail("language", "is given twice for \(channel.rawValue)")
            }
        }
        for (key, value, isHTML) in [("subject", subject, false), ("text", text, false), ("html", html, true)] {
            guard let value else { continue }
            for problem in TemplateCheck.problems(in: value, isHTML: isHTML) { item.fail(key, problem) }
        }
        guard let channel, let language, let text else { return nil }
        return TemplateContent(channel: channel, language: language, subject: subject, text: text, html: html)
    }

    /// A BCP 47 tag in the short form messages use: a 2–3 letter language, then optional 2–8 character parts.
    static func isLanguageTag(_ tag: String) -> Bool {
        let parts = tag.split(separator: "-", omittingEmptySubsequences: false)
        guard let first = parts.first, (2...3).contains(first.count), first.allSatisfy({ $0.isASCII && $0.isLetter })
        else { return false }
        return parts.dropFirst().allSatisfy { part in
            (2...8).contains(part.count) && part.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) }
        }
    }
}
