import AsyncHTTPClient
import Foundation
import NIOHTTP1
import PatronCore
import PatronStore
import PatronTestSupport
import Testing

/// Two `patron serve` processes on one PostgreSQL database, both running the background jobs: every due item
/// is handled once, whichever node reaches it, and an order sent to both is stored once.
@Suite(.timeLimit(.minutes(10)))
struct TwoNodeTests {
    @Test(.enabled(if: TestDatabase.engines.contains(.postgres), "needs PATRON_TEST_POSTGRES_URL"))
    func backgroundJobsOfTwoNodesHandleEachDueItemOnce() async throws {
        try await TestDatabase.withURL(.postgres) { url in
            let dataKey = TestDatabase.makeDataKey()
            let protector = DataProtector(dataKey: try DataKey.parse(dataKey, source: "test"))
            let database = try await DatabaseFactory.open(url, logger: TestDatabase.logger)
            try await database.withRunning { database in
                try await Migrations.migrate(database)
                let now = WallClock.system.milliseconds
                let store = Store(database: database, protector: protector)
                try await LoyaltyHistory.record(into: store, endingAt: now)
                let lots = try await LoyaltyHistory.count(
                    "SELECT COUNT(*) AS n FROM point_lots WHERE remaining > 0 AND expires_at <= \(now)", store)
                #expect(lots > 0)

                let environment = ["PATRON_DATA_KEY": dataKey]
                let jobs = ["--job-interval", "1", "--refit-interval", "1"]
                let first = try await ServerProcess.start(
                    databaseURL: url.argument, environment: environment, client: .shared, arguments: jobs)
                let second = try await ServerProcess.start(
                    databaseURL: url.argument, environment: environment, client: .shared, arguments: jobs)
                var due = -1
                for _ in 0..<600 where due != 0 {
                    try await Task.sleep(for: .milliseconds(100))
                    due = try await LoyaltyHistory.dueItems(at: now, in: store)
                }
                #expect(due == 0, "the jobs did not finish within 60 s")
                // The same orders sent to both nodes at once, as a client retrying through a balancer would:
                // each is stored once, one node answering 201 and the other 200.
                let key = try await CrashRecoveryTests.adminKey(url, environment)
                let before = try await LoyaltyHistory.count("SELECT COUNT(*) AS n FROM point_lots", store)
                for number in 0..<30 {
                    async let one = first.send(
                        .POST, "/v1/orders", body: CrashRecoveryTests.order(number), key: key, client: .shared)
                    async let other = second.send(
                        .POST, "/v1/orders", body: CrashRecoveryTests.order(number), key: key, client: .shared)
                    #expect(try await [one.status, other.status].sorted() == [200, 201], "order \(number)")
                }
                #expect(try await LoyaltyHistory.count("SELECT COUNT(*) AS n FROM point_lots", store) == before + 30)
                // Both nodes run their jobs a few more times: neither may find anything left to do.
                try await Task.sleep(for: .seconds(3))
                #expect(try await first.terminate() == 0)
                #expect(try await second.terminate() == 0)
                let problems = try await LoyaltyHistory.doubleEffects(expectedExpiries: lots, in: store)
                #expect(problems == [])
            }
        }
    }
    @Test(.enabled(if: TestDatabase.engines.contains(.postgres), "needs PATRON_TEST_POSTGRES_URL"))
    func twoNodesSpendOneBudget() async throws {
        try await TestDatabase.withURL(.postgres) { url in
            let environment = ["PATRON_DATA_KEY": TestDatabase.makeDataKey()]
            let limits = ["--rate-limits", "read=40"]
            let first = try await ServerProcess.start(
                databaseURL: url.argument, environment: environment, client: .shared, arguments: limits)
            let second = try await ServerProcess.start(
                databaseURL: url.argument, environment: environment, client: .shared, arguments: limits)
            let key = try await CrashRecoveryTests.adminKey(url, environment)
            func reads(_ count: Int, from node: ServerProcess) async throws -> [Int] {
                var statuses: [Int] = []
                for _ in 0..<count {
                    statuses.append(try await node.send(.GET, "/v1/auth/session", key: key, client: .shared).status)
                }
                return statuses
            }
            func minute() -> Int { Int(Date().timeIntervalSince1970) / 60 }
            // All of it within one minute's window, started early in a minute no earlier attempt touched. A
            // machine busy with the rest of the suite can be slow enough to cross into the next minute; the
            // counts start again there and the attempt shows nothing, so it is made again.
            var used = minute()
            for attempt in 1...3 {
                while minute() == used || Calendar.current.component(.second, from: Date()) > 5 {
                    try await Task.sleep(for: .milliseconds(200))
                }
                used = minute()
                let first30 = try await reads(30, from: first)
                // The nodes exchange counts four times a second: the second knows of the first's 30 (a few
                // seconds' wait, for a busy machine).
                try await Task.sleep(for: .seconds(3))
                let second30 = try await reads(30, from: second)
                try await Task.sleep(for: .seconds(3))
                let firstAgain = try await reads(1, from: first)
                if minute() != used && attempt < 3 { continue }
                #expect(first30 == Array(repeating: 200, count: 30))
                #expect(second30 == Array(repeating: 200, count: 10) + Array(repeating: 429, count: 20), "\(second30)")
                #expect(firstAgain == [429])
                #expect(minute() == used, "every attempt crossed a minute's end")
                break
            }
            #expect(try await first.terminate() == 0)
            #expect(try await second.terminate() == 0)
        }
    }
}
