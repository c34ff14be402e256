import Mustache

/// A message as the member will read it.
public struct RenderedMessage: Sendable, Hashable {
    public var subject: String?
    public var text: String
    public var html: String?

    public init(subject: String?, text: String, html: String?) {
        self.subject = subject
        self.text = text
        self.html = html
    }
}

/// What a message is about, for its template: each object one of ``TemplateVariables/objects``, its fields as
/// text; an object the message lacks is left out.
public struct MessageValues: Sendable, Hashable {
    public var objects: [String: [String: String]]
    public var values: [String: String]

    public init(objects: [String: [String: String]] = [:], values: [String: String] = [:]) {
        self.objects = objects
        self.values = values
    }

    /// Values for checking how a template reads before any member is chosen: every name, filled with itself.
    public static let sample = MessageValues(
        objects: TemplateVariables.objects.mapValues { fields in
            Dictionary(uniqueKeysWithValues: fields.map { ($0, "{\($0)}") })
        },
        values: Dictionary(uniqueKeysWithValues: TemplateVariables.values.map { ($0, "{\($0)}") }))

    fileprivate var context: [String: Any] {
        var context: [String: Any] = values
        for (name, fields) in objects { context[name] = fields }
        return context
    }
}

extension TemplateContent {
    /// Renders the content: HTML escaped for HTML, nothing escaped in plain text (an SMS shows `&` as `&`).
    /// A marketing SMS ends with the opt-out text Chinese rules ask for, unless the text already carries it.
    public func render(_ values: MessageValues, category: MessageCategory, smsOptOut: String) -> RenderedMessage {
        let context = values.context
        var text = Self.render(self.text, context, html: false)
        if channel == .sms, category == .marketing, !smsOptOut.isEmpty, !text.contains(smsOptOut) {
            text += text.last?.isWhitespace ?? true ? smsOptOut : " " + smsOptOut
        }
        return RenderedMessage(
            subject: subject.map { Self.render($0, context, html: false) }, text: text,
            html: html.map { Self.render($0, context, html: true) })
    }

    private static func render(_ text: String, _ context: [String: Any], html: Bool) -> String {
        // Checked when the template was saved; a text that no longer parses renders as written.
        // The pragma on a line of its own is dropped with its line break, leaving the text's first line as written.
        guard let template = try? MustacheTemplate(string: html ? text : "{{% CONTENT_TYPE: TEXT}}\n" + text) else {
            return text
        }
        return template.render(context)
    }
}
