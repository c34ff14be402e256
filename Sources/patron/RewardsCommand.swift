import ArgumentParser
import PatronCore
import PatronStore

struct RewardsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rewards", abstract: "Run the rewards program's jobs by hand.",
        subcommands: [Referrals.self, Birthdays.self])

    struct Referrals: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Reward both members of every referral whose qualifying order outlived the return window by --as-of.")

        @Option(help: AsOf.help) var asOf: String?
        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            let (instant, run) = try await database.withStore { store in
                let instant = try await AsOf.parse(asOf, store: store)
                return (instant, try await store.settleReferrals(asOf: instant))
            }
            print("Rewarded \(run.rewarded) referrals as of \(instant.rfc3339).")
            if !run.skipped.isEmpty {
                print("Skipped \(run.skipped.count) referral rewards (their points were given):")
                for skip in run.skipped { print("  \(skip.summary)") }
            }
        }
    }

    struct Birthdays: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Give the program's birthday reward to members in their birthday month who lack this year's.")

        @Option(help: AsOf.help) var asOf: String?
        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            let (instant, granted) = try await database.withStore { store in
                let instant = try await AsOf.parse(asOf, store: store)
                return (instant, try await store.grantBirthdayRewards(asOf: instant))
            }
            print("Gave birthday rewards to \(granted) members as of \(instant.rfc3339).")
        }
    }
}
