/// What a member agreed to: per purpose, and for marketing per channel. A purpose never asked about is not
/// agreed to (PIPL Art. 13–14 and GDPR Art. 6–7 ask for consent before, not an objection after).
public enum ConsentPurpose: String, Sendable, Hashable, Codable, CaseIterable {
    case marketing
    /// Analytics and personalisation about the person.
    case profiling
    case thirdPartySharing = "third_party_sharing"

    /// Marketing is agreed to channel by channel; the other purposes once.
    public var hasChannels: Bool { self == .marketing }

    /// The channel a statement about this purpose is kept under: the one given for marketing, none otherwise.
    public func keptChannel(_ channel: ConsentChannel?) -> ConsentChannel? {
        hasChannels ? channel : nil
    }
}

public enum ConsentChannel: String, Sendable, Hashable, Codable, CaseIterable {
    case email, sms, wechat, push, phone
}

public enum ConsentState: String, Sendable, Hashable, Codable, CaseIterable {
    case granted, withdrawn

    /// Whether a purpose in this state may be acted on: only when granted and not withdrawn since; never asked
    /// (no state) does not permit either.
    public static func permits(_ state: ConsentState?) -> Bool { state == .granted }
}

/// Where the person said it.
public enum ConsentSource: String, Sendable, Hashable, Codable, CaseIterable {
    case store, app, web, `import`, staff
    case unsubscribeLink = "unsubscribe_link"
    case smsReply = "sms_reply"
}

/// One statement of consent or its withdrawal, as recorded.
public struct ConsentRecord: Sendable, Hashable {
    public var purpose: ConsentPurpose
    /// Nil for purposes without channels.
    public var channel: ConsentChannel?
    public var state: ConsentState
    public var source: ConsentSource
    /// The privacy policy version the person saw; nil when none was registered.
    public var policyVersion: String?
    /// What shows the person said it (a form's reference, a call's ticket); who recorded it is kept beside.
    public var evidence: String?
    /// When the person said it.
    public var givenAt: Timestamp

    public init(
        purpose: ConsentPurpose, channel: ConsentChannel?, state: ConsentState, source: ConsentSource,
        policyVersion: String?, evidence: String?, givenAt: Timestamp
    ) {
        self.purpose = purpose
        self.channel = channel
        self.state = state
        self.source = source
        self.policyVersion = policyVersion
        self.evidence = evidence
        self.givenAt = givenAt
    }

    /// The same statement again (a retry): recording it once is enough.
    public func restates(_ current: ConsentRecord) -> Bool {
        state == current.state && source == current.source && policyVersion == current.policyVersion
            && evidence == current.evidence
    }
}

/// A member's consents in force: the newest statement per purpose (and channel).
public struct Consents: Sendable, Hashable {
    public var current: [ConsentRecord]

    public init(current: [ConsentRecord]) {
        self.current = current
    }

    public func state(of purpose: ConsentPurpose, channel: ConsentChannel? = nil) -> ConsentState? {
        current.first { $0.purpose == purpose && $0.channel == channel }?.state
    }

    /// Whether Patron may use the member's data for `purpose` (for marketing, reach them on `channel`): only
    /// when they granted it and have not withdrawn it since.
    public func permit(_ purpose: ConsentPurpose, channel: ConsentChannel? = nil) -> Bool {
        ConsentState.permits(state(of: purpose, channel: purpose.keptChannel(channel)))
    }
}

extension ConsentRecord {
    /// At most one statement per purpose and channel in one request; that is every combination once.
    public static let maximumPerRequest = ConsentPurpose.allCases.reduce(0) {
        $0 + ($1.hasChannels ? ConsentChannel.allCases.count : 1)
    }

    /// Reads the statements in `key` (`[{purpose, channel, state, source, policy_version, evidence, given_at}]`).
    /// `given_at` defaults to `now` and may not lie ahead of it by more than five minutes.
    public static func readList(_ key: String, from reader: inout FieldReader, at now: Timestamp) -> [ConsentRecord]? {
        guard let items = reader.array(key) else { return nil }
        if items.count > maximumPerRequest {
            reader.fail(key, "must hold at most \(maximumPerRequest) statements, one per purpose and channel")
            return nil
        }
        var seen: Set<String> = []
        let records = reader.objects(key) { item -> ConsentRecord? in
            let purpose: ConsentPurpose? = item.choice("purpose", required: true)
            let channel: ConsentChannel? = item.choice("channel")
            let state: ConsentState? = item.choice("state", required: true)
            let source: ConsentSource? = item.choice("source", required: true)
            let policyVersion = item.string("policy_version", maxLength: 64)
            let evidence = item.string("evidence", maxLength: 500)
            let givenAt = item.timestamp("given_at") ?? now
            if givenAt.millisecondsSinceEpoch > now.millisecondsSinceEpoch + 300_000 {
                item.fail("given_at", "must not be in the future")
            }
            if let purpose {
                if purpose.hasChannels, channel == nil, item.raw("channel") == nil {
                    item.fail("channel", "is required for \(purpose.rawValue): it is agreed to channel by channel")
                }
                if !purpose.hasChannels, item.raw("channel") != nil {
                    item.fail("channel", "must be left out for \(purpose.rawValue): it is agreed to once")
                }
                if !seen.insert("\(purpose.rawValue)/\(channel?.rawValue ?? "")").inserted {
                    item.fail("purpose", "is given twice with the same channel")
                }
            }
            guard let purpose, let state, let source else { return nil }
            return ConsentRecord(
                purpose: purpose, channel: purpose.keptChannel(channel), state: state, source: source,
                policyVersion: policyVersion, evidence: evidence, givenAt: givenAt)
        }
        return records?.compactMap { $0 }
    }
}
