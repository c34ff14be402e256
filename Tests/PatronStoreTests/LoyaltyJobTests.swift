import PatronCore
import PatronStore
import PatronTestSupport
import SQLKit
import Testing

/// The background jobs of the loyalty program, run as `patron … --as-of` would run them.
@Suite struct LoyaltyJobTests {
    static let day: Int64 = 86_400_000

    static func order(_ id: String, totalMinor: Int64, at instant: Int64) throws -> OrderSubmission {
        try OrderSubmission.parse(
            [
                "order_id": .string(id), "member": ["external_id": "job-1"],
                "occurred_at": .string(Timestamp(millisecondsSinceEpoch: instant).rfc3339), "currency": "CNY",
                "lines": [["sku": "X", "quantity": 1, "unit_price_minor": .number(Double(totalMinor))]],
                "total_minor": .number(Double(totalMinor)),
            ], receivedAt: Timestamp(millisecondsSinceEpoch: instant))
    }

    @Test(arguments: TestDatabase.engines)
    func pendingPointsBecomeSpendableAfterTheReturnWindow(engine: DatabaseEngine) async throws {
        try await TestDatabase.withStore(engine) { store in
            var program = LoyaltyProgram.standard
            program.rules[0].pendingUntilReturnWindow = true
            try await store.saveProgram(program, actor: nil)
            let now = WallClock.system.milliseconds
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
            let now = WallClock.system.milliseconds
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
            let now = WallClock.system.milliseconds
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
            #expect(first == [.applied, .applied, .refused("only 0 points available")])
            let again = try await store.importGrants(grants, actor: "import")
            #expect(again == [.duplicate, .duplicate, .refused("only 0 points available")])
            let member = try #require(try await store.member(externalID: "legacy-1"))
            let summary = try #require(
                try await store.pointsSummary(
                    memberID: member.id, at: WallClock.system.now))
            #expect(summary.balance.available == 400)
            #expect(try await store.member(externalID: "legacy-2") != nil, "unknown members are created")
        }
    }

    /// Large runs of grants are written set-wise; they must leave exactly what row-by-row grants would.
    @Test(arguments: TestDatabase.engines)
    func largeImportsGrantEachIdOnceRepayDebtAndKeepTheLedgerWhole(engine: DatabaseEngine) async throws {
        try await TestDatabase.withStore(engine) { store in
            var program = LoyaltyProgram.standard
            program.refundPolicy = .allowNegative
            try await store.saveProgram(program, actor: "test")
            let now = WallClock.system.milliseconds
            // A member who owes 100 points: earned 100, spent them, then the order was refunded.
            let order = try LoyaltyJobTests.order("DEBT-1", totalMinor: 10_000, at: now - LoyaltyJobTests.day)
            let debtor = try await store.recordOrder(order, fingerprint: "DEBT-1").order.memberID
            _ = try await store.spendPoints(
                memberID: debtor, points: 100, reference: nil, idempotencyKey: "spend-all", actor: nil)
            _ = try await store.refundOrder(
                orderID: "DEBT-1", refundID: "R-1", lines: [RefundLine(sku: "X", quantity: 1)], actor: nil,
                at: Timestamp(millisecondsSinceEpoch: now))

            // 2,500 rows over 700 members cross the statement size; g-7 appears twice, the debtor gets two.
            var grants = (0..<2_500).map { index in
                PointGrant(
                    line: index + 2, externalID: "bulk-\(index % 700)", points: Int64(1 + index % 50),
                    reason: "opening balance", grantID: "g-\(index)", expiresAt: nil)
            }
            grants.insert(
                PointGrant(line: 0, externalID: "bulk-7", points: 999, reason: "again", grantID: "g-7", expiresAt: nil),
                at: 1_200)
            grants.append(
                PointGrant(line: 0, externalID: "job-1", points: 30, reason: "goodwill", grantID: "d-1", expiresAt: nil)
            )
            grants.append(
                PointGrant(
                    line: 0, externalID: "job-1", points: 120, reason: "goodwill", grantID: "d-2", expiresAt: nil))

            let outcomes = try await store.importGrants(grants, actor: "import")
            #expect(outcomes.filter { $0 == .applied }.count == 2_502)
            #expect(outcomes[1_200] == .duplicate, "a grant id repeated in one file applies once")
            #expect(try await store.importGrants(grants, actor: "import").allSatisfy { $0 == .duplicate })

            let at = WallClock.system.now
            let seventh = try #require(try await store.member(externalID: "bulk-7"))
            let seventhRows: [Int] = (0..<2_500).filter { $0 % 700 == 7 }
            let expected: Int64 = seventhRows.map { Int64(1 + $0 % 50) }.reduce(0, +)
            #expect(try await store.pointsSummary(memberID: seventh.id, at: at)?.balance.available == expected)
            let repaid = try #require(try await store.pointsSummary(memberID: debtor, at: at)).balance
            #expect(repaid.available == 50 && repaid.debt == 0, "imported points repay the 100 owed first")
            try await LedgerPropertyTests.checkInvariants(store, policy: .allowNegative, step: 0)
        }
    }
}
