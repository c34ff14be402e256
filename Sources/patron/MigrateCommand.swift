import ArgumentParser
import PatronStore

struct MigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate", abstract: "Bring the database schema up to date.")

    @OptionGroup var database: DatabaseOptions

    func run() async throws {
        let url = try database.resolvedURL()
        var logger = Logger(label: "patron")
        logger.logLevel = .warning
        let opened = try await DatabaseFactory.open(url, logger: logger)
        let applied = try await opened.withRunning { try await Migrations.migrate($0) }
        print(
            applied.isEmpty
                ? "The schema is up to date."
                : "Applied migrations \(applied.map(String.init).joined(separator: ", ")).")
    }
}
