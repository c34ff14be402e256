import Foundation
import PatronCore
import SQLKit

/// A message taken for sending, with all its sender needs.
public struct MessageSend: Sendable, Hashable {
    public var messageID: String
    public var memberID: String
    public var channel: MessageChannel
    public var category: MessageCategory
    public var content: TemplateContent
    public var values: MessageValues
    /// The email address, or the phone number (E.164) for SMS; for WeChat and push, none: the bridge knows
    /// the member's binding by their id.
    public var address: String?
    public var source: String
    /// Names this claim: a message claimed again after its lease ran out is the new claim's.
    public var claim: String
}

/// How one attempt ended, for ``Store/recordMessageAttempts(_:at:)``.
public struct MessageAttemptResult: Sendable, Hashable {
    public var send: MessageSend
    /// From ``Store/beginSending(_:at:)``.
    public var attempt: Int64
    public var outcome: SendOutcome
    public var startedAt: Timestamp
    public var durationMilliseconds: Int64
    public var jitter: Double

    public init(
        send: MessageSend, attempt: Int64, outcome: SendOutcome, startedAt: Timestamp, durationMilliseconds: Int64,
        jitter: Double = Double.random(in: 0..<1)
    ) {
        self.send = send
        self.attempt = attempt
        self.outcome = outcome
        self.startedAt = startedAt
        self.durationMilliseconds = durationMilliseconds
        self.jitter = jitter
    }
}

extension Store {
    /// Takes up to `limit` due messages through the guardrails at once: each is skipped with its reason, held
    /// for the end of quiet hours, or claimed for sending on the channel chosen. The members' rows are locked
    /// while their caps are counted, so two senders cannot both give a member their last message of the day.
    public func claimMessages(
        limit: Int, available: Set<MessageChannel>, program: LoyaltyProgram, at instant: Timestamp
    ) async throws -> [MessageSend] {
        let now = instant.millisecondsSinceEpoch
        let members = self.members
        // A look first, so an idle dispatcher on every node does not take the write lock each second.
        guard try await hasMessages("status IN ('queued', 'held') AND due_at <= \(bind: now)") else { return [] }
        return try await database.write { database in
            let skipClaimed: SQLQueryString = database.dialect.name == "postgresql" ? "FOR UPDATE SKIP LOCKED" : ""
            let due = try await database.raw(
                """
                SELECT \(MessageRecord.columns) FROM messages
                WHERE status IN ('queued', 'held') AND due_at <= \(bind: now)
                ORDER BY due_at LIMIT \(unsafeRaw: String(limit)) \(skipClaimed)
                """
            ).all().map(MessageRecord.init(row:))
            guard !due.isEmpty else { return [] }
            let memberIDs = Array(Set(due.map(\.memberID))).sorted()
            let idList = SQLList(memberIDs.map { SQLBind($0) })
            try await database.raw(
                "SELECT id FROM members WHERE id IN (\(idList)) ORDER BY id \(MemberRepository.forUpdate(database))"
            ).run()
            var recipients = try await Self.recipients(memberIDs, members: members, at: now, in: database)
            var templates: [String: SavedTemplate] = [:]
            var decided: [(MessageRecord, SendDecision)] = []
            for message in due {
                let key = "\(message.templateID)#\(message.templateVersion)"
                if templates[key] == nil {
                    templates[key] = try await Self.template(
                        id: message.templateID, version: message.templateVersion, in: database)
                }
                guard let recipient = recipients[message.memberID]?.recipient, let template = templates[key] else {
                    decided.append((message, .skip(.memberInactive)))
                    continue
                }
                let decision = SendDecision.decide(
                    category: message.category, channels: message.channels, template: template.template,
                    recipient: recipient, available: available, settings: program.messaging,
                    offset: program.utcOffset, at: instant)
                if case .send = decision, message.category == .marketing {
                    recipients[message.memberID]?.recipient.marketingLastDay += 1
                    recipients[message.memberID]?.recipient.marketingLastWeek += 1
                }
                decided.append((message, decision))
            }
            let claim = Identifier.make(prefix: "clm", milliseconds: now)
            try await Self.apply(decided, claim: claim, at: now, in: database)
            var sends: [MessageSend] = []
            let values = try await MessageValuesLoader(program: program, at: instant, database: database)
                .values(
                    for: decided.compactMap { message, decision in
                        guard case .send = decision, let person = recipients[message.memberID]?.member else {
                            return nil
                        }
                        return (message.messageID, message.refs, person)
                    })
            for (message, decision) in decided {
                guard case .send(let channel) = decision, let person = recipients[message.memberID]?.member,
                    let template = templates["\(message.templateID)#\(message.templateVersion)"]?.template,
                    let content = template.content(for: channel, language: person.language)
                else { continue }
                sends.append(
                    MessageSend(
                        messageID: message.messageID, memberID: message.memberID, channel: channel,
                        category: message.category, content: content, values: values[message.messageID] ?? .init(),
                        address: Self.address(of: person, on: channel), source: message.source, claim: claim))
            }
            return sends
        }
    }

    /// Marks a claimed message as being handed over, just before it is: a sender that dies after this leaves
    /// it ambiguous rather than sending it twice. Answers the attempt's number, or nil when the claim was lost
    /// (its lease ran out and another sender took it).
    public func beginSending(_ send: MessageSend, at instant: Timestamp) async throws -> Int64? {
        let now = instant.millisecondsSinceEpoch
        return try await database.write { database in
            if database.dialect.name == "postgresql" {
                // Only this service dying is guarded against here; PostgreSQL keeps the commit either way, and
                // not waiting for the disk keeps a fast mail server fast.
                try await database.raw("SET LOCAL synchronous_commit = off").run()
            }
            return try await database.raw(
                """
                UPDATE messages SET status = 'sending', attempts = attempts + 1,
                    lease_until = \(bind: now + MessageRetry.sendLeaseMilliseconds), updated_at = \(bind: now)
                WHERE message_id = \(bind: send.messageID) AND status = 'claimed' AND claim = \(bind: send.claim)
                RETURNING attempts
                """
            ).first()?.decode(column: "attempts", as: Int64.self)
        }
    }

    /// Records how attempts ended, each message by its own id and attempt: sent; tried again on the schedule;
    /// dead when refused for good or the schedule is spent; ambiguous when the answer was lost.
    public func recordMessageAttempts(_ results: [MessageAttemptResult], at instant: Timestamp) async throws {
        guard !results.isEmpty else { return }
        let now = instant.millisecondsSinceEpoch
        try await database.write { database in
            if database.dialect.name == "postgresql" {
                // As in beginSending: a lost commit can only make a sent message ambiguous, never send it twice.
                try await database.raw("SET LOCAL synchronous_commit = off").run()
            }
            for result in results {
                var status = MessageStatus.dead
                var due: Int64?
                var reference: String?
                var error: String?
                let outcome: String
                switch result.outcome {
                case .sent(let answer):
                    (status, reference, outcome) = (.sent, answer, "sent")
                case .failed(let reason, let permanent):
                    error = reason
                    outcome = permanent ? "rejected" : "failed"
                    if !permanent,
                        let next = MessageRetry.schedule.nextAttempt(
                            after: Int(result.attempt), at: now, jitter: result.jitter)
                    {
                        (status, due) = (.queued, next)
                    }
                case .ambiguous(let reason):
                    (status, error, outcome) = (.ambiguous, reason, "ambiguous")
                }
                // A retry decides its channel, consent and caps again when it is due.
                let requeue: SQLQueryString =
                    status == .queued ? ", due_at = \(bind: due), channel = NULL, counted_at = NULL" : ""
                guard
                    try await database.raw(
                        """
                        UPDATE messages SET status = \(bind: status.rawValue), provider_reference = \(bind: reference),
                            last_error = \(bind: error), lease_until = NULL, claim = NULL, updated_at = \(bind: now)
                            \(requeue)
                        WHERE message_id = \(bind: result.send.messageID) AND status = 'sending'
                          AND attempts = \(bind: result.attempt)
                        RETURNING message_id
                        """
                    ).first() != nil
                else { continue }
                try await database.raw(
                    """
                    INSERT INTO message_attempts (message_id, attempt, channel, started_at, outcome, detail, duration_ms)
                    VALUES (\(bind: result.send.messageID), \(bind: result.attempt), \(bind: result.send.channel.rawValue),
                            \(bind: result.startedAt.millisecondsSinceEpoch), \(bind: outcome), \(bind: error ?? reference),
                            \(bind: result.durationMilliseconds))
                    ON CONFLICT (message_id, attempt) DO NOTHING
                    """
                ).run()
            }
        }
    }

    /// Messages whose sender died: claimed but not begun go back to the queue (nothing left for the member);
    /// begun but not answered become ambiguous, for an operator to check and replay. Answers how many of each.
    @discardableResult
    public func recoverMessages(at instant: Timestamp) async throws -> (requeued: Int, ambiguous: Int) {
        let now = instant.millisecondsSinceEpoch
        guard try await hasMessages("status IN ('claimed', 'sending') AND lease_until < \(bind: now)") else {
            return (0, 0)
        }
        return try await database.write { database in
            let requeued = try await database.raw(
                """
                UPDATE messages SET status = 'queued', channel = NULL, counted_at = NULL, lease_until = NULL,
                    claim = NULL, updated_at = \(bind: now)
                WHERE status = 'claimed' AND lease_until < \(bind: now)
                RETURNING message_id
                """
            ).all().count
            let lost = try await database.raw(
                """
                UPDATE messages SET status = 'ambiguous', lease_until = NULL, claim = NULL, updated_at = \(bind: now),
                    last_error = 'the sender stopped while handing it over: it may have arrived'
                WHERE status = 'sending' AND lease_until < \(bind: now)
                RETURNING message_id, attempts, channel, last_error
                """
            ).all()
            for row in lost {
                try await database.raw(
                    """
                    INSERT INTO message_attempts (message_id, attempt, channel, started_at, outcome, detail, duration_ms)
                    VALUES (\(bind: try row.decode(column: "message_id", as: String.self)),
                            \(bind: try row.decode(column: "attempts", as: Int64.self)),
                            \(bind: try row.decode(column: "channel", as: String?.self) ?? "email"), \(bind: now),
                            'ambiguous', \(bind: try row.decode(column: "last_error", as: String?.self)), 0)
                    ON CONFLICT (message_id, attempt) DO NOTHING
                    """
                ).run()
            }
            return (requeued, lost.count)
        }
    }

    private func hasMessages(_ condition: SQLQueryString) async throws -> Bool {
        try await database.read { database in
            try await database.raw("SELECT 1 AS found FROM messages WHERE \(condition) LIMIT 1").first() != nil
        }
    }

    private static func apply(
        _ decided: [(MessageRecord, SendDecision)], claim: String, at now: Int64, in database: any SQLDatabase
    ) async throws {
        var skipped: [SkipReason: [String]] = [:]
        var held: [Int64: [String]] = [:]
        var claimed: [MessageChannel: [String]] = [:]
        for (message, decision) in decided {
            switch decision {
            case .skip(let reason): skipped[reason, default: []].append(message.messageID)
            case .hold(let until): held[until.millisecondsSinceEpoch, default: []].append(message.messageID)
            case .send(let channel): claimed[channel, default: []].append(message.messageID)
            }
        }
        let ids = { (ids: [String]) in SQLList(ids.map { SQLBind($0) }) }
        for (reason, messages) in skipped {
            try await database.raw(
                """
                UPDATE messages SET status = 'skipped', skip_reason = \(bind: reason.rawValue), updated_at = \(bind: now)
                WHERE message_id IN (\(ids(messages)))
                """
            ).run()
        }
        for (until, messages) in held {
            try await database.raw(
                """
                UPDATE messages SET status = 'held', due_at = \(bind: until), updated_at = \(bind: now)
                WHERE message_id IN (\(ids(messages)))
                """
            ).run()
        }
        for (channel, messages) in claimed {
            try await database.raw(
                """
                UPDATE messages SET status = 'claimed', channel = \(bind: channel.rawValue), counted_at = \(bind: now),
                    lease_until = \(bind: now + MessageRetry.claimLeaseMilliseconds), claim = \(bind: claim),
                    updated_at = \(bind: now)
                WHERE message_id IN (\(ids(messages)))
                """
            ).run()
        }
    }

    /// Each member with what the guardrails weigh about them now: status, consent, addresses, marketing so far.
    static func recipients(
        _ memberIDs: [String], members: MemberRepository, at now: Int64, in database: any SQLDatabase
    ) async throws -> [String: (member: Member, recipient: Recipient)] {
        let idList = SQLList(memberIDs.map { SQLBind($0) })
        let consent = try await marketingConsent(idList, in: database)
        let counts = try await marketingCounts(idList, at: now, in: database)
        var recipients: [String: (member: Member, recipient: Recipient)] = [:]
        for person in try await members.find(ids: memberIDs, in: database) {
            let count = counts[person.id] ?? (0, 0)
            recipients[person.id] = (
                person,
                Recipient(
                    memberID: person.id, status: person.status, marketingConsent: consent[person.id] ?? [],
                    reachable: reachable(person), marketingLastDay: count.day, marketingLastWeek: count.week,
                    language: person.language)
            )
        }
        return recipients
    }

    /// The channels each member agreed to receive marketing on.
    private static func marketingConsent(
        _ members: SQLList, in database: any SQLDatabase
    ) async throws -> [String: Set<MessageChannel>] {
        var consent: [String: Set<MessageChannel>] = [:]
        for row in try await database.raw(
            """
            SELECT member_id, channel, state FROM member_consents
            WHERE purpose = 'marketing' AND member_id IN (\(members))
            """
        ).all() {
            let state = ConsentState(rawValue: try row.decode(column: "state", as: String.self))
            guard ConsentState.permits(state),
                let channel = MessageChannel.allCases.first(where: {
                    $0.consentChannel.rawValue == (try? row.decode(column: "channel", as: String.self))
                })
            else { continue }
            consent[try row.decode(column: "member_id", as: String.self), default: []].insert(channel)
        }
        return consent
    }

    /// Marketing messages each member was given (or is being given) in the last day and week.
    private static func marketingCounts(
        _ members: SQLList, at now: Int64, in database: any SQLDatabase
    ) async throws -> [String: (day: Int, week: Int)] {
        let day: Int64 = 86_400_000
        var counts: [String: (day: Int, week: Int)] = [:]
        for row in try await database.raw(
            """
            SELECT member_id, CAST(SUM(CASE WHEN counted_at > \(bind: now - day) THEN 1 ELSE 0 END) AS BIGINT) AS day,
                   COUNT(*) AS week
            FROM messages
            WHERE member_id IN (\(members)) AND category = 'marketing'
              AND status IN ('claimed', 'sending', 'sent', 'ambiguous') AND counted_at > \(bind: now - 7 * day)
            GROUP BY member_id
            """
        ).all() {
            counts[try row.decode(column: "member_id", as: String.self)] = (
                Int(try row.decode(column: "day", as: Int64.self)), Int(try row.decode(column: "week", as: Int64.self))
            )
        }
        return counts
    }

    private static func reachable(_ member: Member) -> Set<MessageChannel> {
        var channels: Set<MessageChannel> = [.wechat, .push]
        if member.email != nil { channels.insert(.email) }
        if member.phone != nil { channels.insert(.sms) }
        return channels
    }

    private static func address(of member: Member, on channel: MessageChannel) -> String? {
        switch channel {
        case .email: member.email
        case .sms: member.phone
        case .wechat, .push: nil
        }
    }
}

extension Member {
    /// The language the member reads, when their profile says (the `language` attribute).
    public var language: String? {
        if case .string(let language)? = attributes["language"] { language } else { nil }
    }
}
