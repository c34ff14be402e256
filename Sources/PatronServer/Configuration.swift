import Logging
import PatronCore
import PatronStore

/// Everything the service needs to start. Read once, from flags and `PATRON_*` environment variables,
/// by the `patron` executable; tests build it directly.
public struct PatronConfiguration: Sendable {
    public var hostname: String
    public var port: Int
    public var databaseURL: DatabaseURL
    /// Base64 of the 32-byte key for personal data; `nil` uses (or creates) the key file beside an SQLite database.
    public var dataKey: String?
    /// Master keys replaced by `dataKey` whose rotation may not be finished: base64, separated by commas.
    public var previousDataKeys: String?
    public var logLevel: Logger.Level
    /// Print a one-time admin key when the database has none (the first `patron serve`).
    public var createsFirstAdminKey: Bool
    /// A loyalty program (JSON) to put in force at start; stored as a new version when it differs.
    public var programFile: String?
    /// How often the ledger and tier jobs run; `nil` runs none (tests run them by hand).
    public var jobInterval: Duration?
    /// How often the lifetime-value models are refitted; `nil` never (tests and `patron analytics refit` do it).
    public var modelRefitInterval: Duration?
    /// The address people reach the server at, for the links it hands out; `nil` for `http://hostname:port`.
    public var publicURL: String?
    /// Hashes staff passwords; tests of other things lower its cost.
    public var passwordHasher: PasswordHasher
    /// Requests allowed per window for each key, person or member, and sign-ins per client address.
    public var rateLimits: RateLimits
    /// Whether webhooks may go to private, loopback and link-local addresses.
    public var webhookTargets: WebhookTargets
    /// The SMTP server and provider bridges messages go out through; none: messages wait, skipped per channel.
    public var messageChannels: MessageChannels

    public init(
        hostname: String = "127.0.0.1", port: Int = 8080, databaseURL: DatabaseURL = .embeddedDefault,
        dataKey: String? = nil, previousDataKeys: String? = nil, logLevel: Logger.Level = .info,
        createsFirstAdminKey: Bool = false,
        programFile: String? = nil, jobInterval: Duration? = nil, modelRefitInterval: Duration? = nil,
        publicURL: String? = nil, passwordHasher: PasswordHasher = PasswordHasher(),
        rateLimits: RateLimits = .standard,
        webhookTargets: WebhookTargets = WebhookTargets(allowsPrivateAddresses: false),
        messageChannels: MessageChannels = .none
    ) {
        self.hostname = hostname
        self.port = port
        self.databaseURL = databaseURL
        self.dataKey = dataKey
        self.previousDataKeys = previousDataKeys
        self.logLevel = logLevel
        self.createsFirstAdminKey = createsFirstAdminKey
        self.programFile = programFile
        self.jobInterval = jobInterval
        self.modelRefitInterval = modelRefitInterval
        self.publicURL = publicURL
        self.passwordHasher = passwordHasher
        self.rateLimits = rateLimits
        self.webhookTargets = webhookTargets
        self.messageChannels = messageChannels
    }

    /// Where links the server hands out point.
    public var resolvedPublicURL: String {
        let url = publicURL ?? "http://\(hostname):\(port)"
        return url.hasSuffix("/") ? String(url.dropLast()) : url
    }
}
