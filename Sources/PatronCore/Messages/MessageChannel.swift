/// How a message reaches a member: email over SMTP, the others through the business's provider bridges.
public enum MessageChannel: String, Sendable, Hashable, Codable, CaseIterable {
    case email, sms, wechat, push

    /// The consent a marketing message on this channel needs.
    public var consentChannel: ConsentChannel {
        switch self {
        case .email: .email
        case .sms: .sms
        case .wechat: .wechat
        case .push: .push
        }
    }

    /// Whether the channel's text is shown as HTML somewhere (email's HTML part); the others are plain text.
    public var hasHTML: Bool { self == .email }

    /// Whether a message on the channel has a subject (an email's subject, a push notification's title).
    public var hasSubject: Bool { self == .email || self == .push }
}

/// Why a message is sent, which decides the rules it is held to.
public enum MessageCategory: String, Sendable, Hashable, Codable, CaseIterable {
    /// Offers, news, win-back: needs marketing consent for the channel, counts against the frequency caps, waits
    /// out quiet hours.
    case marketing
    /// What the member asked for or must know (a receipt, a ticket's answer, points about to expire): exempt from
    /// marketing consent, caps and quiet hours.
    case transactional
}

extension MessageChannel {
    /// Reads the channels at `key` in the order to try them, each once; absent reads as none (the template's).
    /// `nonEmpty` refuses an empty list.
    public static func readOrder(_ key: String, nonEmpty: Bool = false, from reader: inout FieldReader) -> [Self] {
        let names = reader.strings(key, maxLength: 16)
        var channels: [Self] = []
        for (index, name) in (names ?? []).enumerated() {
            guard let channel = Self(rawValue: name) else {
                reader.fail("\(key)/\(index)", "must be one of email, sms, wechat, push")
                continue
            }
            if channels.contains(channel) {
                reader.fail("\(key)/\(index)", "is given twice")
            } else {
                channels.append(channel)
            }
        }
        if nonEmpty, names?.isEmpty == true { reader.fail(key, "must name at least one channel") }
        return channels
    }
}
