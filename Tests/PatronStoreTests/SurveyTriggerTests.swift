import PatronCore
import PatronStore
import PatronTestSupport
import SQLKit
import Testing

/// Invitations Patron makes by itself: a sample of buyers some days after their order, and a segment at a time,
/// never asking one member twice within the program's interval.
@Suite struct SurveyTriggerTests {
    let day: Int64 = 86_400_000

    static func order(_ id: String, by externalID: String, at instant: Int64) throws -> OrderSubmission {
        try OrderSubmission.parse(
            [
                "order_id": .string(id), "member": ["external_id": .string(externalID)],
                "occurred_at": .string(Timestamp(millisecondsSinceEpoch: instant).rfc3339), "currency": "CNY",
                "store_id": "SH-01", "lines": [["sku": "TEA", "quantity": 1, "unit_price_minor": 3_000]],
                "total_minor": 3_000,
            ], receivedAt: Timestamp(millisecondsSinceEpoch: instant))
    }

    static func invitations(_ store: Store) async throws -> [(member: String, order: String?, reason: String)] {
        try await store.database.read { database in
            try await database.raw(
                """
                SELECT m.external_id, i.order_id, i.reason FROM survey_invitations i JOIN members m ON m.id = i.member_id
                ORDER BY m.external_id, i.order_id
                """
            ).all().map {
                (
                    try $0.decode(column: "external_id", as: String.self),
                    try $0.decode(column: "order_id", as: String?.self),
                    try $0.decode(column: "reason", as: String.self)
                )
            }
        }
    }

    @Test(arguments: TestDatabase.engines)
    func buyersAreAskedDaysAfterTheirOrderOnceWithinTheInterval(engine: DatabaseEngine) async throws {
        try await TestDatabase.withStore(engine) { store in
            let now = WallClock.system.milliseconds
            var program = try await store.program().program
            #expect(program.surveys.afterOrder == nil, "off unless the program asks")
            #expect(try await store.inviteAfterOrders(asOf: Timestamp(millisecondsSinceEpoch: now)) == 0)
            program.surveys.afterOrder = .init(kind: .csat, days: 3, share: 1)
            _ = try await store.saveProgram(program, actor: "test")

            // Ann bought twice in the window, Bo once, Cai too recently, Du before the first window, Er was erased.
            let orders: [(String, String, Int64)] = [
                ("A-1", "ann", now - 3 * day - 5_000), ("A-2", "ann", now - 3 * day - 60_000),
                ("B-1", "bo", now - 3 * day - 3_600_000), ("C-1", "cai", now - 2 * day),
                ("D-1", "du", now - 5 * day), ("E-1", "er", now - 3 * day - 1_000),
            ]
            for (id, buyer, at) in orders {
                _ = try await store.with(WallClock { at }).recordOrder(
                    try Self.order(id, by: buyer, at: at), fingerprint: id)
            }
            let er = try #require(try await store.member(externalID: "er")?.id)
            _ = try await store.eraseMember(er, handledBy: "test", at: store.clock.now)

            let instant = Timestamp(millisecondsSinceEpoch: now)
            #expect(try await store.inviteAfterOrders(asOf: instant, batchSize: 2) == 2)
            let first = try await Self.invitations(store)
            #expect(first.map(\.member) == ["ann", "bo"] && first.allSatisfy { $0.reason == "order" })
            #expect(first.first?.order == "A-2", "the earlier of Ann's orders asked; the later one held back")
            #expect(try await store.inviteAfterOrders(asOf: instant) == 0, "a rerun looks at nothing twice")

            // Two days on, Cai's order is due; Ann's later order still falls within her interval.
            #expect(try await store.inviteAfterOrders(asOf: Timestamp(millisecondsSinceEpoch: now + 2 * day)) == 1)
            #expect(try await Self.invitations(store).map(\.member) == ["ann", "bo", "cai"])
            let survey = try #require(
                try await store.surveyInvitations(memberID: nil, kind: .csat, after: nil, limit: 1).items.first)
            #expect(survey.basis.storeID == "SH-01" && survey.createdBy == "order survey")
        }
    }

    @Test(arguments: TestDatabase.engines)
    func aSegmentIsAskedWithoutThoseAskedLately(engine: DatabaseEngine) async throws {
        try await TestDatabase.withStore(engine) { store in
            let now = WallClock.system.milliseconds
            var ids: [String] = []
            for buyer in ["ann", "bo", "cai"] {
                let order = try Self.order("O-\(buyer)", by: buyer, at: now - 10 * day)
                _ = try await store.with(WallClock { now - 10 * day }).recordOrder(order, fingerprint: buyer)
                ids.append(try #require(try await store.member(externalID: buyer)?.id))
            }
            // Bo was asked a month ago, within the program's ninety days.
            _ = try await store.with(WallClock { now - 30 * day }).inviteToRelationshipSurvey(
                [ids[1]], kind: .nps, channel: nil, language: "zh", actor: "test", dryRun: false)
            let dry = try await store.inviteToRelationshipSurvey(
                ids, kind: .nps, channel: "sms", language: "en", actor: "test", dryRun: true)
            #expect(dry == SurveySending(invited: 2, recentlyAsked: 1, erased: 0))
            #expect(try await Self.invitations(store).count == 1, "a dry run writes nothing")
            let sent = try await store.inviteToRelationshipSurvey(
                ids, kind: .nps, channel: "sms", language: "en", actor: "test", dryRun: false)
            #expect(sent == dry)
            let made = try await Self.invitations(store)
            #expect(made.map(\.member) == ["ann", "bo", "cai"] && made.allSatisfy { $0.reason == "relationship" })
        }
    }
}
