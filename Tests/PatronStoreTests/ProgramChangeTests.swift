import PatronCore
import PatronStore
import PatronTestSupport
import SQLKit
import Testing

/// What a change of the program does to members already in it, and where its boundaries fall.
@Suite struct ProgramChangeTests {
    static func order(_ id: String, at instant: Timestamp, totalMinor: Int64 = 6400) throws -> OrderSubmission {
        try OrderSubmission.parse(
            [
                "order_id": .string(id), "member": ["external_id": "change-1"], "occurred_at": .string(instant.rfc3339),
                "currency": "CNY",
                "lines": [["sku": "X", "quantity": 1, "unit_price_minor": .number(Double(totalMinor))]],
                "total_minor": .number(Double(totalMinor)),
            ], receivedAt: instant)
    }

    @Test(arguments: TestDatabase.engines)
    func everyMemberFollowsTheCurrentEvaluationRule(engine: DatabaseEngine) async throws {
        try await TestDatabase.withStore(engine) { store in
            let now = WallClock.system.now
            let memberID = try await store.recordOrder(try Self.order("C-1", at: now), fingerprint: "1").order.memberID
            let today = UTCOffset.shanghai.date(of: now)
            var standing = try #require(try await store.tierView(memberID: memberID, at: now)).standing
            #expect(standing.nextEvaluation == today.addingMonths(12), "the anniversary rule at first")

            // A fixed date 40 days ahead (never 29 February, which a fixed date cannot be).
            var fixed = today.addingDays(40)
            if fixed.month == 2 && fixed.day == 29 { fixed = fixed.addingDays(1) }
            var program = LoyaltyProgram.standard
            program.tiers.evaluation = .init(on: .fixedDate, month: fixed.month, day: fixed.day)
            try await store.saveProgram(program, actor: "test")
            standing = try #require(try await store.tierView(memberID: memberID, at: now)).standing
            #expect(standing.nextEvaluation == fixed)
            #expect(
                try await store.evaluateTiers(asOf: UTCOffset.shanghai.startOf(fixed.addingDays(-1))).evaluated == 0)
            #expect(try await store.evaluateTiers(asOf: UTCOffset.shanghai.startOf(fixed)).evaluated == 1)

            program.tiers.evaluation = .init(on: .anniversary)
            try await store.saveProgram(program, actor: "test")
            standing = try #require(try await store.tierView(memberID: memberID, at: now)).standing
            #expect(standing.since == today)
            #expect(standing.nextEvaluation == today.addingMonths(12), "back to the anniversary of the tier")
        }
    }

    @Test(arguments: TestDatabase.engines)
    func pointsEarnedLateInTheDayExpireAtLocalMidnightAfterTheLastDay(engine: DatabaseEngine) async throws {
        try await TestDatabase.withStore(engine) { store in
            var program = LoyaltyProgram.standard
            program.expiry = .daysAfterEarning(30)
            try await store.saveProgram(program, actor: "test")
            // 23:59:59.999 on 31 January in Shanghai: the earning day is 31 January, the 30th day after it
            // 2 March, so the points go at the midnight that ends 2 March (16:00 UTC).
            let earned = Timestamp(rfc3339: "2026-01-31T15:59:59.999Z")!
            _ = try await store.recordOrder(try Self.order("C-2", at: earned), fingerprint: "2")
            let expiresAt = Timestamp(rfc3339: "2026-03-02T16:00:00Z")!
            let lots = try await store.database.read { database in
                try await database.raw("SELECT expires_at FROM point_lots").all().map {
                    try $0.decode(column: "expires_at", as: Int64.self)
                }
            }
            #expect(lots == [expiresAt.millisecondsSinceEpoch])
            let justBefore = Timestamp(millisecondsSinceEpoch: expiresAt.millisecondsSinceEpoch - 1)
            #expect(try await store.expirePoints(asOf: justBefore).lots == 0)
            #expect(try await store.expirePoints(asOf: expiresAt).points == 64)
        }
    }
}
