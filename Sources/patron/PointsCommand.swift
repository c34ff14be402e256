import ArgumentParser
import PatronCore
import PatronStore

struct PointsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "points", abstract: "Run the points ledger's jobs by hand.",
        subcommands: [Expire.self, Release.self])

    struct Expire: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Expire every lot due by --as-of. Running it twice changes nothing.")

        @Option(help: AsOf.help) var asOf: String?
        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            let (instant, run) = try await database.withStore { store in
                let instant = try await AsOf.parse(asOf, store: store)
                return (instant, try await store.expirePoints(asOf: instant))
            }
            print(
                "Expired \(run.points) points in \(run.lots) lots of \(run.members) members as of \(instant.rfc3339).")
        }
    }

    struct Release: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Make pending points whose time has come spendable, as of --as-of.")

        @Option(help: AsOf.help) var asOf: String?
        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            let (instant, run) = try await database.withStore { store in
                let instant = try await AsOf.parse(asOf, store: store)
                return (instant, try await store.releasePendingPoints(asOf: instant))
            }
            print(
                "Released \(run.points) points in \(run.lots) lots of \(run.members) members as of \(instant.rfc3339).")
        }
    }
}

struct TiersCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tiers", abstract: "Run tier evaluation by hand.", subcommands: [Evaluate.self])

    struct Evaluate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Evaluate every member whose tier evaluation is due by --as-of (downgrades happen only here).")

        @Option(help: AsOf.help) var asOf: String?
        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            let (instant, run) = try await database.withStore { store in
                let instant = try await AsOf.parse(asOf, store: store)
                return (instant, try await store.evaluateTiers(asOf: instant))
            }
            print("Evaluated \(run.evaluated) members; \(run.changed) changed tier, as of \(instant.rfc3339).")
        }
    }
}

/// `--as-of`: a day (its last millisecond in the program's time zone) or an RFC 3339 instant.
enum AsOf {
    static let help: ArgumentHelp =
        "YYYY-MM-DD (the end of that day in the program's time zone) or an RFC 3339 instant (default: now)."

    static func parse(_ text: String?, store: Store) async throws -> Timestamp {
        guard let text else { return store.clock.now }
        if let instant = Timestamp(rfc3339: text) { return instant }
        if let day = CalendarDate(iso: text) {
            let offset = try await store.program().program.utcOffset
            return Timestamp(millisecondsSinceEpoch: offset.startOf(day.addingDays(1)).millisecondsSinceEpoch - 1)
        }
        throw CommandFailure("--as-of must be YYYY-MM-DD or an RFC 3339 instant, not '\(text)'")
    }

    /// The day `--as-of` falls on in the program's time zone.
    static func day(_ text: String?, store: Store) async throws -> CalendarDate {
        let instant = try await parse(text, store: store)
        return try await store.program().program.utcOffset.date(of: instant)
    }
}
