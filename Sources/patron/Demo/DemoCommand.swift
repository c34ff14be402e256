import ArgumentParser
import Foundation
import PatronCore
import PatronStore

/// `patron demo`: fills an empty database with a year of a café chain's life, run through Patron as it would have
/// happened: each day's orders are recorded with the clock at their time (points by the rules, tiers, referrals),
/// members redeem rewards when they can afford them, and the nightly jobs release, expire and re-evaluate.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Fill an empty database with a year of a café chain's members, orders, points and rewards.",
        discussion: """
            Stores in five cities, a menu, a program with five earning rules and four tiers, and a rewards catalog;
            customers who join through the year, come at their own pace on the week's rhythm and drift away, one in
            twelve invited by a friend. The year ends today, so the dashboard's periods are full. The same --seed
            gives the same data. Refused unless the database has no members and no orders.
            """)

    @Option(help: "How many customers.") var members = 10_000
    @Option(help: "How many days, ending today.") var days = 365
    @Option(help: "The seed of every random choice.") var seed: UInt64 = 20_261_130
    @Option(help: "Orders recorded at once.") var concurrency = 32
    @OptionGroup var database: DatabaseOptions

    func validate() throws {
        guard (1...10_000_000).contains(members) else { throw ValidationError("--members must be 1 to 10000000") }
        guard (1...3_650).contains(days) else { throw ValidationError("--days must be 1 to 3650") }
        guard (1...256).contains(concurrency) else { throw ValidationError("--concurrency must be 1 to 256") }
    }

    func run() async throws {
        let (members, days, seed, concurrency) = (self.members, self.days, self.seed, self.concurrency)
        let started = ContinuousClock.now
        let totals = try await database.withStore { store in
            guard try await store.members(after: nil, limit: 1).items.isEmpty else {
                throw CommandFailure("the database already has members: the demo fills an empty one")
            }
            var year = try await DemoYear(store: store, members: members, days: days, seed: seed)
            return try await year.run(concurrency: concurrency) { line in print(line) }
        }
        let seconds = (ContinuousClock.now - started) / .seconds(1)
        print(
            "Recorded \(totals.orders) orders of \(totals.members) members and \(totals.redemptions) redemptions "
                + "in \(String(format: "%.1f", seconds)) s. Sign in at / to see them.")
    }
}
