/// Why a message was not sent, as its log records it.
public enum SkipReason: String, Sendable, Hashable, Codable, CaseIterable {
    /// The member was erased, or suspended.
    case memberInactive = "member_inactive"
    /// No marketing consent for any channel the message may take.
    case noConsent = "no_consent"
    /// No address (email, phone) for any channel the message may take.
    case noAddress = "no_address"
    /// The template says nothing on any channel the message may take, in the member's language or its default.
    case noContent = "no_content"
    /// The member had their share of marketing messages for the day or the week.
    case frequencyCap = "frequency_cap"
    /// The channel is not set up on this server (no SMTP server, no bridge).
    case channelUnavailable = "channel_unavailable"
    /// The member is in the program's global control group, which is sent no marketing.
    case globalControl = "global_control"
    /// The campaign was cancelled before the message went.
    case cancelled
}

/// What the guardrails say about one message at the moment it would be sent.
public enum SendDecision: Sendable, Hashable {
    case send(MessageChannel)
    /// Quiet hours: sent when they end, not dropped.
    case hold(until: Timestamp)
    case skip(SkipReason)
}

/// The facts about one member that the guardrails weigh, read at send time.
public struct Recipient: Sendable, Hashable {
    public var memberID: String
    public var status: MemberStatus
    /// The channels the member agreed to receive marketing on (and has not withdrawn since).
    public var marketingConsent: Set<MessageChannel>
    /// The channels the member can be reached on at all (an email address, a phone, a WeChat or push binding).
    public var reachable: Set<MessageChannel>
    /// Marketing messages sent to the member in the last 24 hours and the last 7 days.
    public var marketingLastDay: Int
    public var marketingLastWeek: Int
    /// The member's language, when known.
    public var language: String?

    public init(
        memberID: String, status: MemberStatus, marketingConsent: Set<MessageChannel>, reachable: Set<MessageChannel>,
        marketingLastDay: Int, marketingLastWeek: Int, language: String?
    ) {
        self.memberID = memberID
        self.status = status
        self.marketingConsent = marketingConsent
        self.reachable = reachable
        self.marketingLastDay = marketingLastDay
        self.marketingLastWeek = marketingLastWeek
        self.language = language
    }
}

extension SendDecision {
    /// Decides one message: the first of `channels` the member can be reached on, agreed to (for marketing) and
    /// the template speaks, the server can send on; unless the member is in the global control group (marketing),
    /// or caps or quiet hours say otherwise. Each check that fails on every channel gives its reason, the one that
    /// got furthest winning.
    public static func decide(
        category: MessageCategory, channels: [MessageChannel], template: MessageTemplate, recipient: Recipient,
        available: Set<MessageChannel>, settings: MessagingSettings, offset: UTCOffset, at now: Timestamp
    ) -> SendDecision {
        guard recipient.status == .active else { return .skip(.memberInactive) }
        if category == .marketing, settings.globalControl.contains(recipient.memberID) { return .skip(.globalControl) }
        var furthest = SkipReason.noContent
        var chosen: MessageChannel?
        for channel in channels {
            // Ordered from the template's own fault to the member's: the reason reported is the last one reached.
            let checks: [(SkipReason, Bool)] = [
                (.noContent, template.content(for: channel, language: recipient.language) != nil),
                (.channelUnavailable, available.contains(channel)),
                (.noAddress, recipient.reachable.contains(channel)),
                (
                    .noConsent,
                    category == .transactional || recipient.marketingConsent.contains(channel)
                ),
            ]
            if let failed = checks.firstIndex(where: { !$0.1 }) {
                if failed > (checks.firstIndex { $0.0 == furthest } ?? -1) { furthest = checks[failed].0 }
                continue
            }
            chosen = channel
            break
        }
        guard let chosen else { return .skip(furthest) }
        // Held first: the caps are counted when the quiet hours end, over the day and week as they are then.
        if category == .marketing, let quiet = settings.quietHours, let end = quiet.end(holding: now, offset: offset) {
            return .hold(until: end)
        }
        if category == .marketing,
            recipient.marketingLastDay >= settings.marketingPerDay
                || recipient.marketingLastWeek >= settings.marketingPerWeek
        {
            return .skip(.frequencyCap)
        }
        return .send(chosen)
    }
}
