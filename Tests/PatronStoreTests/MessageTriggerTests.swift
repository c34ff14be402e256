import Foundation
import PatronCore
import PatronStore
import PatronTestSupport
import SQLKit
import Testing

/// Triggers queue one message per occurrence whose moment has come — a thank-you days after an order, a
/// nudge when the last order is old, a warning days before points expire, a welcome — and running them again
/// queues nothing more.
@Suite struct MessageTriggerTests {
    static let now: Int64 = 1_780_000_000_000
    static let hour: Int64 = 3_600_000
    static let day: Int64 = 86_400_000

    static func order(_ id: String, member: String, at instant: Int64) throws -> OrderSubmission {
        let body: JSONValue = [
            "order_id": .string(id), "member": ["external_id": .string(member)],
            "occurred_at": .string(Timestamp(millisecondsSinceEpoch: instant).rfc3339), "currency": "CNY",
            "channel": "store", "lines": [["sku": "TEA", "quantity": 1, "unit_price_minor": 5000]],
            "total_minor": 5000,
        ]
        return try OrderSubmission.parse(body, receivedAt: Timestamp(millisecondsSinceEpoch: now))
    }

    @Test(arguments: TestDatabase.engines)
    func eachOccurrenceIsQueuedOnceWhenItsMomentComes(engine: DatabaseEngine) async throws {
        try await TestDatabase.withStore(engine, clock: WallClock { Self.now }) { store in
            let at = Timestamp(millisecondsSinceEpoch: Self.now)
            let newcomer = try await store.upsertMember(MemberProfile(externalID: "new")).member.id
            let buyer = try await store.recordOrder(
                try Self.order("o-buyer", member: "buyer", at: Self.now - 3 * Self.day - Self.hour), fingerprint: "f"
            ).order.memberID
            let lapsed = try await store.recordOrder(
                try Self.order("o-lapsed", member: "lapsed", at: Self.now - 30 * Self.day - Self.hour),
                fingerprint: "f"
            ).order.memberID
            // Points earned 359 days ago expire (after the standard 365, at the end of that day) within 7 days.
            let expiring = try await store.recordOrder(
                try Self.order("o-expiring", member: "expiring", at: Self.now - 359 * Self.day), fingerprint: "f"
            ).order.memberID
            _ = try await store.releasePendingPoints(asOf: at)
            let receipt = try MessageTemplate.parse([
                "name": "note", "category": "transactional",
                "contents": [["channel": "email", "language": "zh", "subject": "您好", "text": "您好"]],
            ])
            _ = try await store.saveTemplate(id: "note", template: receipt, acceptedVersions: nil, by: "test", at: at)
            var (_, program) = try await store.program()
            program.messaging.triggers = [
                MessageTrigger(
                    triggerID: "welcome", kind: .welcome, templateID: "note", channels: [], days: 0, segmentID: nil),
                MessageTrigger(
                    triggerID: "thanks", kind: .postPurchase, templateID: "note", channels: [.sms, .email], days: 3,
                    segmentID: nil),
                MessageTrigger(
                    triggerID: "miss-you", kind: .inactivity, templateID: "note", channels: [], days: 30,
                    segmentID: nil),
                MessageTrigger(
                    triggerID: "expiring", kind: .pointsExpiring, templateID: "note", channels: [], days: 7,
                    segmentID: nil),
                MessageTrigger(
                    triggerID: "orphan", kind: .welcome, templateID: "no-such-template", channels: [], days: 0,
                    segmentID: nil),
            ]
            let queued = try await store.runMessageTriggers(program: program, at: at)
            #expect(queued["orphan"] == 0, "a trigger whose template is gone queues nothing")
            let messages = try await store.messages(after: nil, limit: 100)
            func members(_ trigger: String) -> Set<String> {
                Set(messages.filter { $0.source == "trigger:\(trigger)" }.map(\.memberID))
            }
            #expect(members("welcome").contains(newcomer))
            #expect(members("thanks") == [buyer], "three days after the order; the older orders are past it")
            #expect(members("miss-you") == [lapsed], "thirty days after the last order")
            #expect(members("expiring") == [expiring], "seven days before the lot expires")
            let thanks = try #require(messages.first { $0.source == "trigger:thanks" })
            #expect(thanks.refs.orderID == "o-buyer" && thanks.naturalKey == "trigger:thanks:o-buyer")
            #expect(thanks.channels == [.sms, .email] && thanks.category == .transactional)
            #expect(
                messages.first { $0.source == "trigger:miss-you" }?.channels == [.email], "the template's channels")
            #expect(queued.values.reduce(0, +) == messages.count)

            let again = try await store.runMessageTriggers(
                program: program, at: Timestamp(millisecondsSinceEpoch: Self.now + Self.hour))
            #expect(again.values.allSatisfy { $0 == 0 }, "an occurrence is queued once: \(again)")
            let summary = try await store.messageSummary(source: "trigger:thanks")
            #expect(summary.byStatus == [.queued: 1])
        }
    }
}
