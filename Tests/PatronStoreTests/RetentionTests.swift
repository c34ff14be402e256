import Foundation
import PatronCore
import PatronStore
import PatronTestSupport
import SQLKit
import Testing

/// The retention policy on a history spanning seven years: what goes, what stays, and that the books do not move.
@Suite struct RetentionTests {
    static let day: Int64 = 86_400_000
    /// 2026-06-15T00:00:00Z, a fixed "now" so the cutoffs are known days.
    static let now: Int64 = 1_781_481_600_000

    static func order(
        _ id: String, of externalID: String, at instant: Int64, lines: [(sku: String, quantity: Int64)] = [("TEA", 2)]
    ) throws -> OrderSubmission {
        let body: JSONValue = [
            "order_id": .string(id), "member": ["external_id": .string(externalID)],
            "occurred_at": .string(Timestamp(millisecondsSinceEpoch: instant).rfc3339), "currency": "CNY",
            "store_id": "sh-01",
            "lines": .array(
                lines.map {
                    [
                        "sku": .string($0.sku), "category": "drinks", "quantity": .number(Double($0.quantity)),
                        "unit_price_minor": 1_500,
                    ]
                }),
            "total_minor": .number(Double(lines.reduce(0) { $0 + $1.quantity } * 1_500)),
        ]
        return try OrderSubmission.parse(body, receivedAt: Timestamp(millisecondsSinceEpoch: instant))
    }

    static func event(
        _ messageID: String, of externalID: String, named name: String, at instant: Int64
    ) throws
        -> EventSubmission
    {
        try EventSubmission.parse(
            [
                "type": "track", "user_id": .string(externalID), "event": .string(name),
                "message_id": .string(messageID), "properties": ["note": "kept sealed"],
                "timestamp": .string(Timestamp(millisecondsSinceEpoch: instant).rfc3339),
            ], receivedAt: WallClock.system.now)
    }

    static func count(_ query: String, _ store: Store) async throws -> Int {
        try await LoyaltyHistory.count(query, store)
    }

    @Test(arguments: TestDatabase.engines)
    func retentionForgetsWhatIsDueAndKeepsTheBooks(engine: DatabaseEngine) async throws {
        let (now, day) = (Self.now, Self.day)
        try await TestDatabase.withStore(engine, clock: WallClock { Self.now }) { store in
            func at(_ instant: Int64) -> Store { store.with(WallClock { instant }) }
            var program = LoyaltyProgram.standard
            program.expiry = .never
            program.put(
                EarningRule(
                    ruleID: "checkin", name: "Check-in", kind: .activity, priority: 30, points: 5,
                    event: "checkin"))
            try await at(now - 8 * 365 * day).saveProgram(program, actor: "test")

            // quiet: joined four years ago, ordered and checked in then, nothing since.
            let quiet = try await at(now - 4 * 365 * day).upsertMember(
                MemberProfile(
                    externalID: "quiet", name: "Li Lei", email: EmailAddress("lilei@example.com"),
                    phone: PhoneNumber("13800138000"))
            ).member
            _ = try await at(now - 4 * 365 * day).recordOrder(
                try Self.order("o-quiet", of: "quiet", at: now - 4 * 365 * day), fingerprint: "q")
            _ = try await at(now - 4 * 365 * day).recordEvents([
                try Self.event("e-quiet", of: "quiet", named: "checkin", at: now - 4 * 365 * day)
            ])
            // loyal: history from six years ago (lines to be summed), an order a year ago.
            _ = try await at(now - 6 * 365 * day).recordOrder(
                try Self.order("o-loyal-old", of: "loyal", at: now - 6 * 365 * day, lines: [("TEA", 2), ("CAKE", 1)]),
                fingerprint: "l1")
            _ = try await at(now - 365 * day).recordOrder(
                try Self.order("o-loyal-new", of: "loyal", at: now - 365 * day), fingerprint: "l2")
            _ = try await at(now - 2 * 365 * day).recordEvents([
                try Self.event("e-loyal-old", of: "loyal", named: "checkin", at: now - 2 * 365 * day)
            ])
            _ = try await at(now - 30 * day).recordEvents([
                try Self.event("e-loyal-new", of: "loyal", named: "checkin", at: now - 30 * day)
            ])
            let loyal = try #require(try await store.member(externalID: "loyal")).id
            for (id, age) in [("f-old", 4 * 365 * day), ("f-new", 365 * day)] {
                _ = try await at(now - age).recordFeedback(
                    FeedbackSubmission(
                        feedbackID: id, channel: .app, memberID: loyal, rating: 2, text: "words of \(id)",
                        submittedAt: Timestamp(millisecondsSinceEpoch: now - age)), fingerprint: id)
            }
            // edited: joined four years ago, profile changed half a year ago (by the member or for them).
            let edited = try await at(now - 4 * 365 * day).upsertMember(MemberProfile(externalID: "edited")).member
            _ = try await at(now - 180 * day).updateMember(id: edited.id, with: MemberProfile(name: "Han Mei"))
            // fresh: joined today.
            _ = try await store.upsertMember(MemberProfile(externalID: "fresh"))

            let liability = try await store.pointsLiability()
            let balances = try await Self.balances(store)
            let events = try await Self.count("SELECT COUNT(*) AS n FROM events", store)

            let preview = try await store.applyRetention(asOf: Timestamp(millisecondsSinceEpoch: now), dryRun: true)
            #expect(
                try await Self.count("SELECT COUNT(*) AS n FROM events", store) == events, "a dry run writes nothing")
            #expect(try await store.member(id: quiet.id)?.status != .erased)

            let report = try await store.applyRetention(asOf: Timestamp(millisecondsSinceEpoch: now), dryRun: false)
            #expect(report.eventsDeleted == 2, "the check-ins of four and two years ago")
            #expect(report.membersAnonymised == 1)
            #expect(report.ordersSummarised == 1)
            #expect(report.linesSummarised == 2)
            #expect(report.feedbackTextsRemoved == 1)
            #expect(
                [
                    preview.eventsDeleted, preview.membersAnonymised, preview.ordersSummarised, preview.linesSummarised,
                    preview.feedbackTextsRemoved,
                ]
                    == [
                        report.eventsDeleted, report.membersAnonymised, report.ordersSummarised,
                        report.linesSummarised, report.feedbackTextsRemoved,
                    ],
                "the dry run counted what the run did")
            // 13 months before 2026-06-15 in +08:00 is local midnight starting 2025-05-15.
            #expect(report.eventsBefore?.rfc3339 == "2025-05-14T16:00:00Z")

            // The quiet member is erased as the retention job's act: nothing finds them, their order stays.
            #expect(try await store.member(id: quiet.id)?.status == .erased)
            #expect(try await store.member(externalID: "quiet") == nil)
            #expect(try await store.member(.email, value: "lilei@example.com") == nil)
            let requests = try await store.privacyRequests(memberID: quiet.id, after: nil, limit: 10).items
            #expect(requests.map(\.handledBy) == [Store.retentionActor])
            #expect(try await store.order(id: "o-quiet")?.totalMinor == 3_000)
            for kept in ["loyal", "edited", "fresh"] {
                #expect(try await store.member(externalID: kept)?.status == .active, "\(kept) is kept")
            }

            // Old lines are monthly totals now; the order keeps its amounts, cannot be refunded any more.
            let old = try #require(try await store.order(id: "o-loyal-old"))
            #expect(old.lines.isEmpty && old.totalMinor == 4_500)
            #expect(try await store.order(id: "o-loyal-new")?.lines.count == 1)
            let summaries = try await store.database.read {
                try await $0.raw(
                    "SELECT sku, store_id, category, lines, quantity, gross_minor FROM order_line_summaries ORDER BY sku"
                ).all().map {
                    [
                        try $0.decode(column: "sku", as: String.self),
                        try $0.decode(column: "store_id", as: String.self),
                        try $0.decode(column: "category", as: String.self),
                        "\(try $0.decode(column: "lines", as: Int64.self))",
                        "\(try $0.decode(column: "quantity", as: Int64.self))",
                        "\(try $0.decode(column: "gross_minor", as: Int64.self))",
                    ].joined(separator: " ")
                }
            }
            #expect(summaries == ["CAKE sh-01 drinks 1 1 1500", "TEA sh-01 drinks 1 2 3000"])
            await #expect(throws: LedgerError.orderLinesSummarised(orderID: "o-loyal-old")) {
                _ = try await store.refundOrder(
                    orderID: "o-loyal-old", refundID: "r-1", lines: [RefundLine(sku: "TEA", quantity: 1)],
                    actor: "test", at: Timestamp(millisecondsSinceEpoch: now))
            }

            // Old feedback keeps its rating and loses its words; recent feedback keeps both.
            let oldFeedback = try #require(try await store.feedback(id: "f-old"))
            #expect(
                oldFeedback.submission.text == nil && oldFeedback.submission.rating == 2
                    && oldFeedback.textRemovedAt != nil)
            #expect(try await store.feedback(id: "f-new")?.submission.text == "words of f-new")

            // The books do not move: liability and every balance as before.
            #expect(try await store.pointsLiability() == liability)
            #expect(try await Self.balances(store) == balances)

            // Again: nothing more to do.
            let again = try await store.applyRetention(asOf: Timestamp(millisecondsSinceEpoch: now), dryRun: false)
            #expect(
                [
                    again.eventsDeleted, again.membersAnonymised, again.ordersSummarised, again.linesSummarised,
                    again.feedbackTextsRemoved,
                ] == [0, 0, 0, 0, 0])

            // A deleted check-in sent again is stored again but earns nothing twice: the ledger remembers it.
            let earned = try await Self.balances(store)
            let resent = try await store.recordEvents([
                try Self.event("e-loyal-old", of: "loyal", named: "checkin", at: now - 2 * 365 * day)
            ])
            #expect(resent.map(\.isDuplicate) == [false])
            #expect(try await Self.balances(store) == earned)

            // History imported later with an older date is summed by the next run.
            _ = try await store.recordOrder(
                try Self.order("o-loyal-older", of: "loyal", at: now - 7 * 365 * day), fingerprint: "l3")
            let late = try await store.applyRetention(asOf: Timestamp(millisecondsSinceEpoch: now), dryRun: false)
            #expect(late.ordersSummarised == 1 && late.linesSummarised == 1)
            #expect(late.eventsDeleted == 1, "the check-in sent again is past its period too")
            #expect(try await store.order(id: "o-loyal-older")?.lines.isEmpty == true)
        }
    }

    /// Each member's available, pending and lifetime points.
    static func balances(_ store: Store) async throws -> [String] {
        try await store.database.read {
            try await $0.raw(
                "SELECT member_id, available, pending, lifetime_earned FROM point_balances ORDER BY member_id"
            ).all().map {
                [
                    try $0.decode(column: "member_id", as: String.self),
                    "\(try $0.decode(column: "available", as: Int64.self))",
                    "\(try $0.decode(column: "pending", as: Int64.self))",
                    "\(try $0.decode(column: "lifetime_earned", as: Int64.self))",
                ].joined(separator: " ")
            }
        }
    }
}
