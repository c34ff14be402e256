import PatronCore
import PatronStore
import PatronTestSupport
import Testing

/// The background jobs started twice at the same moment, as two nodes would: each due item is handled once.
@Suite struct ConcurrentJobsTests {
    @Test(arguments: TestDatabase.engines)
    func jobsRunningTwiceAtOnceHandleEachDueItemOnce(engine: DatabaseEngine) async throws {
        try await TestDatabase.withStore(engine) { store in
            let now = WallClock.system.milliseconds
            try await LoyaltyHistory.record(into: store, endingAt: now)
            let lots = try await LoyaltyHistory.count(
                "SELECT COUNT(*) AS n FROM point_lots WHERE remaining > 0 AND expires_at <= \(now)", store)
            let instant = Timestamp(millisecondsSinceEpoch: now)
            let today = PatronCore.CalendarDate(daysSinceEpoch: Int(now / 86_400_000))
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<2 {
                    group.addTask {
                        _ = try await store.expirePoints(asOf: instant, batchSize: 20)
                        _ = try await store.evaluateTiers(asOf: instant, batchSize: 20)
                    }
                    group.addTask { _ = try await store.refitModels(asOf: today) }
                }
                try await group.waitForAll()
            }
            #expect(try await LoyaltyHistory.dueItems(at: now, in: store) == 0)
            let problems = try await LoyaltyHistory.doubleEffects(expectedExpiries: lots, in: store)
            #expect(problems == [])
        }
    }

    /// Members whose yearly evaluation is due and would lower them each place a large order while the
    /// evaluation runs: whichever commits first, each ends on the tier the order qualifies them for.
    @Test(arguments: TestDatabase.engines)
    func anOrderDuringATierEvaluationIsNotUndone(engine: DatabaseEngine) async throws {
        try await TestDatabase.withStore(engine) { store in
            let day: Int64 = 86_400_000
            let now = WallClock.system.milliseconds
            func order(_ member: Int, _ id: String, at instant: Int64) throws -> OrderSubmission {
                let body: JSONValue = [
                    "order_id": .string(id), "member": ["external_id": .string("m-\(member)")],
                    "occurred_at": .string(Timestamp(millisecondsSinceEpoch: instant).rfc3339), "currency": "CNY",
                    "lines": [["sku": "GIFT-BOX", "quantity": 1, "unit_price_minor": 250_000]],
                    "total_minor": 250_000,
                ]
                return try OrderSubmission.parse(body, receivedAt: Timestamp(millisecondsSinceEpoch: instant))
            }
            // Silver since 400 days ago, nothing bought since: the evaluation, due 35 days ago, lowers them.
            let past = store.with(WallClock { now - 400 * day })
            let members = 60
            for member in 0..<members {
                _ = try await past.recordOrder(
                    try order(member, "old-\(member)", at: now - 400 * day), fingerprint: "o")
            }
            let instant = Timestamp(millisecondsSinceEpoch: now)
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { _ = try await store.evaluateTiers(asOf: instant, batchSize: 5) }
                for worker in 0..<4 {
                    group.addTask {
                        for member in stride(from: worker, to: members, by: 4) {
                            _ = try await store.recordOrder(
                                try order(member, "new-\(member)", at: now), fingerprint: "n")
                        }
                    }
                }
                try await group.waitForAll()
            }
            let tiers = try await LoyaltyHistory.count(
                "SELECT COUNT(*) AS n FROM member_tiers WHERE tier_id = 'silver'", store)
            #expect(tiers == members, "every member's new order qualifies them for silver")
            let agreeing = try await LoyaltyHistory.count(
                "SELECT COUNT(*) AS n FROM members m JOIN member_tiers t ON t.member_id = m.id WHERE m.tier = t.tier_id",
                store)
            #expect(agreeing == members)
        }
    }
}
