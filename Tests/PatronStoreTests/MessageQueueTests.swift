import Foundation
import PatronCore
import PatronStore
import PatronTestSupport
import Testing

/// Messages through the store: a key sends once, the guardrails decide each message with its reason, caps and
/// quiet hours hold, retries follow the schedule, and a sender that dies leaves each message either queued
/// again (not begun) or ambiguous (begun) — never both sent and queued.
@Suite struct MessageQueueTests {
    /// 12:00 in Shanghai (04:00 UTC), outside the standard quiet hours (21:00–08:00).
    static let noon = Timestamp(rfc3339: "2026-06-01T04:00:00Z")!
    /// 23:00 in Shanghai.
    static let night = Timestamp(rfc3339: "2026-06-01T15:00:00Z")!

    static func at(_ instant: Timestamp, plus milliseconds: Int64) -> Timestamp {
        Timestamp(millisecondsSinceEpoch: instant.millisecondsSinceEpoch + milliseconds)
    }

    static func template(_ category: MessageCategory) throws -> MessageTemplate {
        try MessageTemplate.parse([
            "name": "offer", "category": .string(category.rawValue),
            "contents": [
                [
                    "channel": "email", "language": "zh", "subject": "{{member.name}}，您好",
                    "text": "积分 {{points.available}}",
                ],
                ["channel": "sms", "language": "zh", "text": "您有 {{points.available}} 积分"],
            ],
        ])
    }

    static func grant(_ channel: ConsentChannel) -> ConsentRecord {
        ConsentRecord(
            purpose: .marketing, channel: channel, state: .granted, source: .app, policyVersion: nil, evidence: nil,
            givenAt: Timestamp(millisecondsSinceEpoch: noon.millisecondsSinceEpoch - 86_400_000))
    }

    /// Members by name: `a` with email and email consent, `b` with email and no consent, `c` with a phone and SMS
    /// consent only, `d` with email and consent.
    static func members(_ store: Store) async throws -> [String: String] {
        var ids: [String: String] = [:]
        ids["a"] = try await store.upsertMember(
            MemberProfile(externalID: "a", name: "安", email: EmailAddress("a@example.cn")), consents: [grant(.email)]
        ).member.id
        ids["b"] = try await store.upsertMember(MemberProfile(externalID: "b", email: EmailAddress("b@example.cn")))
            .member.id
        ids["c"] = try await store.upsertMember(
            MemberProfile(externalID: "c", phone: PhoneNumber("13912345678")), consents: [grant(.sms)]
        ).member.id
        ids["d"] = try await store.upsertMember(
            MemberProfile(externalID: "d", email: EmailAddress("d@example.cn")), consents: [grant(.email)]
        ).member.id
        return ids
    }

    static func request(
        _ key: String, _ member: String, template: String = "offer", channels: [MessageChannel] = [.email],
        due: Timestamp = noon
    ) -> MessageRequest {
        MessageRequest(
            naturalKey: key, memberID: member, templateID: template, channels: channels, source: "test",
            refs: MessageRefs(), dueAt: due)
    }

    @Test(arguments: TestDatabase.engines)
    func aKeySendsOnceAndTheGuardrailsGiveEachMessageItsReason(engine: DatabaseEngine) async throws {
        try await TestDatabase.withStore(engine) { store in
            let ids = try await Self.members(store)
            _ = try await store.saveTemplate(
                id: "offer", template: try Self.template(.marketing), acceptedVersions: nil, by: "test", at: Self.noon)
            let first = try await store.queueMessage(Self.request("k-a", ids["a"]!), at: Self.noon)
            let again = try await store.queueMessage(Self.request("k-a", ids["a"]!), at: Self.noon)
            #expect(first.created && !again.created && again.message.messageID == first.message.messageID)
            await #expect(throws: MessageError.keyReused(naturalKey: "k-a")) {
                try await store.queueMessage(Self.request("k-a", ids["b"]!), at: Self.noon)
            }
            _ = try await store.queueMessage(Self.request("k-b", ids["b"]!), at: Self.noon)
            _ = try await store.queueMessage(Self.request("k-c", ids["c"]!, channels: [.email, .sms]), at: Self.noon)
            _ = try await store.queueMessage(Self.request("k-d", ids["d"]!), at: Self.noon)
            _ = try await store.queueMessage(
                Self.request("k-later", ids["d"]!, due: Self.at(Self.noon, plus: 3_600_000)), at: Self.noon)
            _ = try await store.eraseMember(ids["d"]!, handledBy: "test", at: Self.noon)

            let (_, program) = try await store.program()
            let sends = try await store.claimMessages(
                limit: 50, available: [.email], program: program, at: Self.noon)
            #expect(sends.map(\.memberID) == [ids["a"]!])
            let send = try #require(sends.first)
            #expect(send.channel == .email && send.address == "a@example.cn")
            #expect(send.values.objects["member"]?["name"] == "安")
            #expect(send.values.objects["points"]?["available"] == "0")

            let log = try await store.messages(after: nil, limit: 50)
            let byKey = Dictionary(uniqueKeysWithValues: log.map { ($0.naturalKey, $0) })
            #expect(byKey["k-a"]?.status == .claimed)
            #expect(byKey["k-b"]?.status == .skipped && byKey["k-b"]?.skipReason == .noConsent)
            #expect(
                byKey["k-c"]?.skipReason == .noAddress,
                "email has no address, SMS no sender here: the reason that got furthest is reported")
            #expect(byKey["k-d"]?.skipReason == .memberInactive, "erased after it was queued")
            #expect(byKey["k-later"]?.status == .queued, "not due yet")

            // A second marketing message to the same member the same day: over the daily cap of 1.
            _ = try await store.queueMessage(Self.request("k-a2", ids["a"]!), at: Self.noon)
            #expect(
                try await store.claimMessages(limit: 50, available: [.email], program: program, at: Self.noon).isEmpty)
            let capped = try await store.messages(after: nil, limit: 50).first { $0.naturalKey == "k-a2" }
            #expect(capped?.skipReason == .frequencyCap)
        }
    }

    @Test(arguments: TestDatabase.engines)
    func quietHoursHoldMarketingButNotWhatTheMemberMustKnow(engine: DatabaseEngine) async throws {
        try await TestDatabase.withStore(engine) { store in
            let ids = try await Self.members(store)
            _ = try await store.saveTemplate(
                id: "offer", template: try Self.template(.marketing), acceptedVersions: nil, by: "test", at: Self.night)
            _ = try await store.saveTemplate(
                id: "receipt", template: try Self.template(.transactional), acceptedVersions: nil, by: "test",
                at: Self.night)
            _ = try await store.queueMessage(Self.request("offer", ids["a"]!, due: Self.night), at: Self.night)
            _ = try await store.queueMessage(
                Self.request("receipt", ids["b"]!, template: "receipt", due: Self.night), at: Self.night)
            let (_, program) = try await store.program()
            let sends = try await store.claimMessages(limit: 50, available: [.email], program: program, at: Self.night)
            #expect(sends.map(\.memberID) == [ids["b"]!], "transactional: no consent needed, not held")
            let held = try #require(try await store.messages(status: .held, after: nil, limit: 5).first)
            // 08:00 the next morning in Shanghai is 00:00 UTC.
            #expect(held.dueAt == Timestamp(rfc3339: "2026-06-02T00:00:00Z"))
            #expect(try await store.nextMessageWork() != nil)
            let morning = try await store.claimMessages(
                limit: 50, available: [.email], program: program, at: held.dueAt)
            #expect(morning.map(\.memberID) == [ids["a"]!], "sent when the quiet hours end")
        }
    }

    @Test(arguments: TestDatabase.engines)
    func failuresRetryOnTheScheduleAndADeadSenderNeverSendsTwice(engine: DatabaseEngine) async throws {
        try await TestDatabase.withStore(engine) { store in
            let ids = try await Self.members(store)
            _ = try await store.saveTemplate(
                id: "receipt", template: try Self.template(.transactional), acceptedVersions: nil, by: "test",
                at: Self.noon)
            for key in ["retry", "claimed", "begun"] {
                _ = try await store.queueMessage(Self.request(key, ids["a"]!, template: "receipt"), at: Self.noon)
            }
            let (_, program) = try await store.program()
            let sends = try await store.claimMessages(limit: 50, available: [.email], program: program, at: Self.noon)
            #expect(sends.count == 3)
            let byKey = Dictionary(
                uniqueKeysWithValues: try await store.messages(after: nil, limit: 10).map {
                    ($0.messageID, $0.naturalKey)
                })
            func send(_ key: String) throws -> MessageSend { try #require(sends.first { byKey[$0.messageID] == key }) }

            // A refusal that may pass later: queued again after the first wait, its channel chosen afresh then.
            let retry = try send("retry")
            let attempt = try #require(try await store.beginSending(retry, at: Self.noon))
            #expect(attempt == 1)
            #expect(try await store.beginSending(retry, at: Self.noon) == nil, "one claim begins once")
            try await store.recordMessageAttempts(
                [
                    MessageAttemptResult(
                        send: retry, attempt: attempt, outcome: .failed(error: "451 try later", permanent: false),
                        startedAt: Self.noon, durationMilliseconds: 3, jitter: 0)
                ], at: Self.noon)
            let (queued, attempts) = try await store.message(id: retry.messageID)
            #expect(queued.status == .queued && queued.channel == nil)
            #expect(queued.dueAt == Self.at(Self.noon, plus: 60_000), "the schedule's first wait, no jitter")
            #expect(attempts.map(\.outcome) == ["failed"] && attempts.first?.detail == "451 try later")

            // The sender dies: the claimed message goes back to the queue, the begun one becomes ambiguous.
            _ = try await store.beginSending(try send("begun"), at: Self.noon)
            let later = Self.at(Self.noon, plus: MessageRetry.sendLeaseMilliseconds + 1)
            #expect(try await store.recoverMessages(at: later) == (requeued: 1, ambiguous: 1))
            #expect(try await store.message(id: try send("claimed").messageID).message.status == .queued)
            let lost = try await store.message(id: try send("begun").messageID)
            #expect(lost.message.status == .ambiguous && lost.attempts.map(\.outcome) == ["ambiguous"])
            #expect(
                try await store.beginSending(try send("claimed"), at: later) == nil,
                "the dead sender's claim is void once the lease ran out")

            // An operator replays the ambiguous one: a fresh schedule, due now.
            let replayed = try await store.replayMessage(id: lost.message.messageID, at: later)
            #expect(replayed.status == .queued && replayed.dueAt == later)
            await #expect(throws: MessageError.self) {
                try await store.replayMessage(id: lost.message.messageID, at: later)
            }
        }
    }
}
