import ArgumentParser
import Foundation
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
    @Option(
        help: """
            The SMTP server email goes through: smtp://user:password@host:587 (STARTTLS), smtps://…:465, or \
            smtp+plain://host:port for a relay on this machine (default: $PATRON_SMTP_URL; none: no email).
            """)
    var smtpURL: String?
    @Option(
        help:
            "A PEM file of certificates to trust for the SMTP server (default: $PATRON_SMTP_CA_FILE, else the system's)."
    )
    var smtpCAFile: String?
    @Option(help: "Who email comes from, such as 'Shop <news@shop.cn>' (default: $PATRON_MAIL_FROM).")
    var mailFrom: String?
    @Option(
        help: """
            A provider bridge as channel=URL, for sms, wechat or push; repeat for each (default: \
            $PATRON_MESSAGE_BRIDGES, comma-separated).
            """)
    var messageBridge: [String] = []
    @Option(help: "The whsec_ secret that signs messages posted to bridges (default: $PATRON_MESSAGE_BRIDGE_SECRET).")
    var messageBridgeSecret: String?
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
        let publicAddress = publicURL ?? Environment.value("PATRON_PUBLIC_URL")
        let channels: MessageChannels
        do {
            channels = try MessageChannels.parse(
                smtpURL: smtpURL ?? Environment.value("PATRON_SMTP_URL"),
                smtpCAFile: smtpCAFile ?? Environment.value("PATRON_SMTP_CA_FILE"),
                mailFrom: mailFrom ?? Environment.value("PATRON_MAIL_FROM"),
                bridges: messageBridge.isEmpty
                    ? (Environment.value("PATRON_MESSAGE_BRIDGES") ?? "").split(separator: ",").map(String.init)
                    : messageBridge,
                bridgeSecret: messageBridgeSecret ?? Environment.value("PATRON_MESSAGE_BRIDGE_SECRET"),
                heloName: publicAddress.flatMap { URL(string: $0)?.host } ?? hostname)
        } catch {
            throw CommandFailure(error.description)
        }
        let configuration = PatronConfiguration(
            hostname: hostname, port: port, databaseURL: try database.resolvedURL(), dataKey: database.dataKey,
            previousDataKeys: database.previousDataKeys, logLevel: level, createsFirstAdminKey: true,
            programFile: programFile,
            jobInterval: jobInterval > 0 ? .seconds(jobInterval) : nil,
            modelRefitInterval: refitInterval > 0 ? .seconds(refitInterval) : nil,
            publicURL: publicAddress, rateLimits: limits,
            webhookTargets: WebhookTargets(
                allowsPrivateAddresses: webhookAllowPrivate || Environment.value("PATRON_WEBHOOK_ALLOW_PRIVATE") == "1"),
            messageChannels: channels
        )
        let application = try await buildApplication(configuration: configuration)
        // SIGTERM and SIGINT stop accepting connections, let in-flight requests finish, then exit.
        try await application.runService(gracefulShutdownSignals: [.sigterm, .sigint])
    }
}
