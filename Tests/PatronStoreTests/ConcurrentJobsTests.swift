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
}
