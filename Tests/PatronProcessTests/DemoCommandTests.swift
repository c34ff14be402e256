import Foundation
import PatronCore
import PatronStore
import PatronTestSupport
import SQLKit
import Testing

/// `patron demo` as a new user runs it: a year of a café chain, recorded through the order path, the same for the
/// same seed, and only into an empty database.
@Suite struct DemoCommandTests {
    @Test(arguments: TestDatabase.engines)
    func aDemoYearIsLivedThroughPatronAndOnlyOnce(engine: DatabaseEngine) async throws {
        try await TestDatabase.withURL(engine) { url in
            let key = TestDatabase.makeDataKey()
            let environment = ["PATRON_DATA_KEY": key]
            let arguments = [
                "demo", "--members", "300", "--days", "365", "--concurrency", "4", "--database-url", url.argument,
            ]
            let run = try await PatronCommand.run(arguments, environment: environment)
            #expect(run.status == 0, "\(run.errors)")
            let summary = try #require(run.output.split(separator: "\n").last.map(String.init))
            #expect(summary.hasPrefix("Recorded "), "\(run.output)")

            let again = try await PatronCommand.run(arguments, environment: environment)
            #expect(again.status != 0)
            #expect(again.errors.contains("the database already has members: the demo fills an empty one"))

            let database = try await DatabaseFactory.open(url, logger: TestDatabase.logger)
            try await database.withRunning { database in
                func count(_ query: String) async throws -> Int {
                    try await database.read {
                        try await $0.raw(SQLQueryString(stringLiteral: query)).first()!.decode(
                            column: "n", as: Int.self)
                    }
                }
                let members = try await count("SELECT COUNT(*) AS n FROM members")
                let orders = try await count("SELECT COUNT(*) AS n FROM orders")
                // New customers come on the day they join; a few from before the year may not come back in it.
                #expect(members > 250 && members <= 300, "\(members) members")
                #expect(orders > 2 * members, "customers come back: \(orders) orders")
                #expect(summary.contains("Recorded \(orders) orders of \(members) members"))
                // The year happened over its days, not at one instant: orders, points and tiers are spread out.
                let orderDays = try await count(
                    "SELECT COUNT(DISTINCT occurred_at / 86400000) AS n FROM orders")
                #expect(orderDays >= 330, "\(orderDays) days with orders")
                let earningDays = try await count(
                    "SELECT COUNT(DISTINCT created_at / 86400000) AS n FROM point_entries WHERE kind = 'earn'")
                #expect(earningDays >= 330)
                #expect(try await count("SELECT COUNT(*) AS n FROM point_entries WHERE kind = 'spend'") > 0)
                #expect(try await count("SELECT COUNT(DISTINCT tier_id) AS n FROM member_tiers") >= 2)
                #expect(try await count("SELECT COUNT(*) AS n FROM referrals") > 0)
                // Weekends are busier than weekdays (1970-01-01 was a Thursday: day + 3 mod 7 is 5 or 6 at weekends).
                let weekend = try await count(
                    "SELECT COUNT(*) AS n FROM orders WHERE ((occurred_at + 28800000) / 86400000 + 3) % 7 >= 5")
                #expect(Double(weekend) / Double(orders) > 2.0 / 7, "\(weekend) of \(orders) at weekends")
            }
        }
    }

    @Test func theSameSeedGivesTheSameYear() async throws {
        let summaries = Shared([String]())
        for _ in 0..<2 {
            try await TestDatabase.withURL(.sqlite) { url in
                let run = try await PatronCommand.run(
                    ["demo", "--members", "100", "--days", "30", "--seed", "7", "--database-url", url.argument],
                    environment: ["PATRON_DATA_KEY": TestDatabase.makeDataKey()])
                #expect(run.status == 0, "\(run.errors)")
                // The last line also says how long it took.
                let lines = run.output.split(separator: "\n").dropLast().joined(separator: "\n")
                summaries.update { $0.append(lines) }
            }
        }
        #expect(summaries.value.count == 2 && summaries.value[0] == summaries.value[1] && !summaries.value[0].isEmpty)
    }
}
