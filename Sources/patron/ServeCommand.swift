import ArgumentParser
import Hummingbird
import Logging
import PatronCore
import PatronServer
import UnixSignals

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve", abstract: "Run the HTTP service (migrating the database first).")

    @Option(help: "The address to listen on.") var hostname = "127.0.0.1"
    @Option(help: "The port to listen on.") var port = 8080
    @Option(help: "trace, debug, info, notice, warning, error or critical (default: $PATRON_LOG_LEVEL, else info).")
    var logLevel: String?
    @Option(help: "A loyalty program JSON file to put in force at start (default: $PATRON_PROGRAM_FILE).")
    var program: String?
    @Option(help: "Seconds between runs of the points expiry, pending release and tier evaluation jobs (0: never).")
    var jobInterval = 60
    @Option(
        help: "Seconds between refits of the lifetime-value models; a refit with no new orders is skipped (0: never).")
    var refitInterval = 3600
    @Option(
        help:
            "The address people reach the server at, for set-up links (default: $PATRON_PUBLIC_URL, else http://HOSTNAME:PORT)."
    )
    var publicURL: String?
    @Option(
        help: """
            Requests allowed per minute: per key, person or member for read and write, per client address for \
            sign_in, e.g. read=60000,write=120000,sign_in=30 (default: $PATRON_RATE_LIMITS, else those).
            """)
    var rateLimits: String?
    @Flag(
        help: """
            Let webhook endpoints be on private, loopback and link-local addresses, for receivers on your own \
            network (default: $PATRON_WEBHOOK_ALLOW_PRIVATE=1, else refused).
            """)
    var webhookAllowPrivate = false
    @OptionGroup var database: DatabaseOptions

    func run() async throws {
        let levelText = logLevel ?? Environment.value("PATRON_LOG_LEVEL") ?? "info"
        guard let level = Logger.Level(rawValue: levelText) else {
            throw CommandFailure("unknown log level '\(levelText)'")
        }
        let programFile = program ?? Environment.value("PATRON_PROGRAM_FILE")
        if let programFile {
            // Refuse a bad program before touching anything.
            do { _ = try ProgramFile.read(programFile) } catch { throw CommandFailure("\(error)") }
        }
        var limits = RateLimits.standard
        if let text = rateLimits ?? Environment.value("PATRON_RATE_LIMITS") {
            guard let parsed = RateLimits.parse(text) else {
                throw CommandFailure(
                    "--rate-limits must be like read=60000,write=120000,sign_in=30 (whole numbers above 0)")
            }
            limits = parsed
        }
        let configuration = PatronConfiguration(
            hostname: hostname, port: port, databaseURL: try database.resolvedURL(), dataKey: database.dataKey,
            previousDataKeys: database.previousDataKeys, logLevel: level, createsFirstAdminKey: true,
            programFile: programFile,
            jobInterval: jobInterval > 0 ? .seconds(jobInterval) : nil,
            modelRefitInterval: refitInterval > 0 ? .seconds(refitInterval) : nil,
            publicURL: publicURL ?? Environment.value("PATRON_PUBLIC_URL"), rateLimits: limits,
            webhookTargets: WebhookTargets(
                allowsPrivateAddresses: webhookAllowPrivate || Environment.value("PATRON_WEBHOOK_ALLOW_PRIVATE") == "1")
        )
        let application = try await buildApplication(configuration: configuration)
        // SIGTERM and SIGINT stop accepting connections, let in-flight requests finish, then exit.
        try await application.runService(gracefulShutdownSignals: [.sigterm, .sigint])
    }
}
