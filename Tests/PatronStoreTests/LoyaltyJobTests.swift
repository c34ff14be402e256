import PatronCore
import PatronStore
import PatronTestSupport
import SQLKit
import Testing

/// The background jobs of the loyalty program, run as `patron … --as-of` would run them.
@Suite struct LoyaltyJobTests {
    static let day: Int64 = 86_400_000

    static func order(_ id: String, totalMinor: Int64, at instant: Int64) throws -> OrderSubmission {
        try OrderSubmission.parse([
            "order_id": .string(id), "member": ["external_id": "job-1"],
            "occurred_at": .string(Timestamp(millisecondsSinceEpoch: instant).rfc3339), "currency": "CNY",
            "lines": [["sku": "X", "quantity": 1, "unit_price_minor": .number(Double(totalMinor))]],
            "total_minor": .number(Double(totalMinor)),
        ])
    }

    @Test(arguments: TestDatabase.engines)
    func pendingPointsBecomeSpendableAfterTheReturnWindow(engine: DatabaseEngine) async throws {
        try await TestDatabase.withStore(engine) { store in
            var program = LoyaltyProgram.standard
            program.rules[0].pendingUntilReturnWindow = true
            try await store.saveProgram(program, actor: nil)
            let now = Clock.nowMilliseconds()
            let recorded = try await store.recordOrder(
                try Self.order("J-1", totalMinor: 6400, at: now), fingerprint: "1")
            let memberID = recorded.order.memberID
            var summary = try #require(
                try await store.pointsSummary(memberID: memberID, at: .init(millisecondsSinceEpoch: now)))
            #expect(summary.balance.pending == 64)
            #expect(summary.balance.available == 0)

            #expect(
                try await store.releasePendingPoints(asOf: .init(millisecondsSinceEpoch: now + 6 * Self.day)).lots == 0)
            #expect(
                try await store.releasePendingPoints(asOf: .init(millisecondsSinceEpoch: now + 8 * Self.day)).points
                    == 64)
            #expect(
                try await store.releasePendingPoints(asOf: .init(millisecondsSinceEpoch: now + 8 * Self.day)).lots == 0)
            summary = try #require(
                try await store.pointsSummary(memberID: memberID, at: .init(millisecondsSinceEpoch: now)))
            #expect(summary.balance.pending == 0)
            #expect(summary.balance.available == 64)
        }
    }

    @Test(arguments: TestDatabase.engines)
    func pointsExpireOnceAndLiabilityFollows(engine: DatabaseEngine) async throws {
        try await TestDatabase.withStore(engine) { store in
            let now = Clock.nowMilliseconds()
            let memberID = try await store.recordOrder(
                try Self.order("J-2", totalMinor: 6400, at: now), fingerprint: "2"
            )
            .order.memberID
            let soon = try #require(
                try await store.pointsSummary(
                    memberID: memberID, at: .init(millisecondsSinceEpoch: now + 340 * Self.day)))
            #expect(soon.expiringSoon == 64)
            var liability = try await store.pointsLiability()
            #expect(liability.available == 64)
            #expect(liability.expiringByMonth.map(\.points) == [64])

            #expect(try await store.expirePoints(asOf: .init(millisecondsSinceEpoch: now + 364 * Self.day)).lots == 0)
            let run = try await store.expirePoints(asOf: .init(millisecondsSinceEpoch: now + 366 * Self.day))
            #expect(run.points == 64)
            #expect(try await store.expirePoints(asOf: .init(millisecondsSinceEpoch: now + 366 * Self.day)).lots == 0)
            let summary = try #require(
                try await store.pointsSummary(memberID: memberID, at: .init(millisecondsSinceEpoch: now)))
            #expect(summary.balance.available == 0)
            #expect(summary.balance.lifetimeEarned == 64)
            liability = try await store.pointsLiability()
            #expect(liability.available == 0)
            #expect(liability.expiringByMonth.isEmpty)
        }
    }

    @Test(arguments: TestDatabase.engines)
    func tiersAreLoweredOneStepAtTheAnniversaryOnly(engine: DatabaseEngine) async throws {
        try await TestDatabase.withStore(engine) { store in
            let now = Clock.nowMilliseconds()
            // ¥8,000 reaches Gold at once.
            let memberID = try await store.recordOrder(
                try Self.order("J-3", totalMinor: 800_000, at: now), fingerprint: "3"
            )
            .order.memberID
            var view = try #require(
                try await store.tierView(memberID: memberID, at: .init(millisecondsSinceEpoch: now)))
            #expect(view.standing.tierID == "gold")

            // Before the anniversary nothing is due; at it, the order has left the 12-month window.
            #expect(
                try await store.evaluateTiers(asOf: .init(millisecondsSinceEpoch: now + 300 * Self.day)).evaluated == 0)
            let evaluation = try await store.evaluateTiers(asOf: .init(millisecondsSinceEpoch: now + 367 * Self.day))
            #expect(evaluation.changed == 1)
            #expect(
                try await store.evaluateTiers(asOf: .init(millisecondsSinceEpoch: now + 367 * Self.day)).evaluated == 0)
            view = try #require(
                try await store.tierView(memberID: memberID, at: .init(millisecondsSinceEpoch: now + 367 * Self.day)))
            #expect(view.standing.tierID == "silver", "one step at a time")
            #expect(view.history.map(\.to) == ["silver", "gold"])
        }
    }
}

@Suite struct PointImportTests {
    @Test(arguments: TestDatabase.engines)
    func importsGrantEachRowOnceAndReportTheRowsThatCannotApply(engine: DatabaseEngine) async throws {
        try await TestDatabase.withStore(engine) { store in
            let grants = [
                PointGrant(
                    line: 2, externalID: "legacy-1", points: 500, reason: "opening balance", grantID: "g1",
                    expiresAt: nil),
                PointGrant(
                    line: 3, externalID: "legacy-1", points: -100, reason: "correction", grantID: "g2", expiresAt: nil),
                PointGrant(
                    line: 4, externalID: "legacy-2", points: -5, reason: "too much", grantID: "g3", expiresAt: nil),
            ]
            let first = try await store.importGrants(grants, actor: "import")
            #expect(first == [.granted, .granted, .refused("only 0 points available")])
            let again = try await store.importGrants(grants, actor: "import")
            #expect(again == [.duplicate, .duplicate, .refused("only 0 points available")])
            let member = try #require(try await store.member(externalID: "legacy-1"))
            let summary = try #require(
                try await store.pointsSummary(
                    memberID: member.id, at: .init(millisecondsSinceEpoch: Clock.nowMilliseconds())))
            #expect(summary.balance.available == 400)
            #expect(try await store.member(externalID: "legacy-2") != nil, "unknown members are created")
        }
    }
}
