import Foundation
import Hummingbird
import Logging
import PatronCore
import PatronStore
import ServiceLifecycle

/// Builds the whole service: database, migrations, routes, middleware and background services, all run by the
/// application's service group. `patron serve` runs what this returns.
public func buildApplication(configuration: PatronConfiguration) async throws -> some ApplicationProtocol {
    try await PatronApplication(configuration: configuration).application(runningServices: true)
}

/// What `patron serve` is made of: the database, the routes that answer on it, the background services and what
/// must happen before the server starts. `patron serve` and the tests assemble the service from these same parts.
public struct PatronApplication: Sendable {
    public let database: any Database
    let routes: @Sendable () throws -> Router<PatronRequestContext>
    let backgroundServices: [any Service]
    let prepare: @Sendable () async throws -> Void
    let configuration: PatronConfiguration
    let logger: Logger

    public init(configuration: PatronConfiguration) async throws {
        let logger = {
            var logger = Logger(label: "patron")
            logger.logLevel = configuration.logLevel
            return logger
        }()
        let database = try await DatabaseFactory.open(configuration.databaseURL, logger: logger)
        let dataKey = try DataKey.resolve(configuration: configuration.dataKey, database: configuration.databaseURL)
        let previousKeys = try DataKey.previous(configuration.previousDataKeys)
        let store = Store(
            database: database, protector: DataProtector(masterKeys: [dataKey] + previousKeys),
            passwordHasher: configuration.passwordHasher)
        let metrics = ServerMetrics()
        let limiter = RateLimiter(limits: configuration.rateLimits)

        var backgroundServices: [any Service] = []
        if let interval = configuration.jobInterval {
            backgroundServices.append(LoyaltyJobService(store: store, interval: interval, logger: logger))
            backgroundServices.append(RetentionService(store: store, interval: interval, logger: logger))
            backgroundServices.append(DeadlineService(store: store, logger: logger))
        }
        backgroundServices.append(
            WebhookDispatchService(store: store, targets: configuration.webhookTargets, logger: logger))
        backgroundServices.append(
            MessageDispatchService(
                store: store, channels: configuration.messageChannels, publicURL: configuration.resolvedPublicURL,
                logger: logger))
        backgroundServices.append(CampaignService(store: store, logger: logger))
        if database.engine == .postgres {
            backgroundServices.append(RateLimitSharing(limiter: limiter, store: store, logger: logger))
        }
        if let interval = configuration.modelRefitInterval {
            backgroundServices.append(AnalyticsRefreshService(store: store, interval: interval, logger: logger))
        }
        self.database = database
        self.routes = {
            try buildRouter(
                store: store, metrics: metrics, publicURL: configuration.resolvedPublicURL, limiter: limiter,
                webhookTargets: configuration.webhookTargets, messageChannels: configuration.messageChannels.available)
        }
        self.backgroundServices = backgroundServices
        self.configuration = configuration
        self.logger = logger
        self.prepare = {
            let applied = try await Migrations.migrate(database)
            try await store.loadKeys()
            logger.info(
                "database.ready",
                metadata: ["database.url": "\(configuration.databaseURL)", "migrations.applied": "\(applied)"])
            if let path = configuration.programFile {
                let version = try await store.saveProgram(try ProgramFile.read(path), actor: "program file \(path)")
                logger.info("program.loaded", metadata: ["program.file": "\(path)", "program.version": "\(version)"])
            }
            if configuration.createsFirstAdminKey, try await store.apiKeys().isEmpty {
                let (key, secret) = try await store.createAPIKey(name: "first admin", scopes: [.admin])
                try await store.audit(
                    AuditEvent(actorKind: .console, actorID: nil, action: "createAPIKey", objectIDs: [key.id]))
                // Written unbuffered: the key must reach a redirected standard output at once.
                let message = """
                    No API key existed, so this admin key was created. It is shown only once:

                        \(secret)

                    Make more with: patron keys create --name NAME --scopes SCOPES

                    """
                FileHandle.standardOutput.write(Data(message.utf8))
            }
            if configuration.createsFirstAdminKey, try await store.staffUsers().isEmpty {
                let message = """
                    No staff account exists yet. Make the first owner, who signs in to manage the rest, with:

                        patron users create --email you@example.com --role owner

                    """
                FileHandle.standardOutput.write(Data(message.utf8))
            }
        }
    }

    /// The HTTP application, which migrates the database before it serves. With `runningServices` its service
    /// group also runs the database and the background services, as `patron serve` needs; without, whoever calls
    /// keeps `database` running (the tests do, since a service group also traps SIGTERM and SIGINT for the whole
    /// process).
    public func application(runningServices: Bool) throws -> Application<RouterResponder<PatronRequestContext>> {
        var application = Application(
            router: try routes(),
            configuration: .init(
                address: .hostname(configuration.hostname, port: configuration.port), serverName: "patron"),
            services: runningServices ? [database] + backgroundServices : [],
            logger: logger)
        application.beforeServerStarts(perform: prepare)
        return application
    }
}

func buildRouter(
    store: Store, metrics: ServerMetrics, publicURL: String, limiter: RateLimiter, webhookTargets: WebhookTargets,
    messageChannels: Set<MessageChannel> = []
) throws -> Router<PatronRequestContext> {
    let router = Router(context: PatronRequestContext.self)
    router.middlewares.add(RequestIDMiddleware())
    router.middlewares.add(SecurityHeadersMiddleware())
    router.middlewares.add(MetricsMiddleware(metrics: metrics))
    router.middlewares.add(ProblemMiddleware())
    router.middlewares.add(RequestTargetMiddleware(document: OpenAPIDocument.document))
    OperationsController(store: store, metrics: metrics, document: try OpenAPIDocument.encoded()).addRoutes(to: router)
    let signInBudget = RateLimitMiddleware(limiter: limiter, clock: store.clock, countsByAddress: true)
    SetupPage(store: store).addRoutes(to: router.group().add(middleware: signInBudget))
    SurveyPage(store: store).addRoutes(to: router.group().add(middleware: signInBudget))
    UnsubscribePage(store: store).addRoutes(to: router.group().add(middleware: signInBudget))
    addDashboard(to: router, store: store, signInBudget: signInBudget, limiter: limiter)
    let access = AccessController(store: store)
    access.addPublicRoutes(to: router.group("v1").add(middleware: signInBudget))
    let api = router.group("v1").add(middleware: AccessMiddleware(store: store))
        .add(middleware: RateLimitMiddleware(limiter: limiter, clock: store.clock, countsByAddress: false))
        .add(middleware: AuditMiddleware(store: store))
    access.addRoutes(to: api)
    UsersController(store: store, publicURL: publicURL).addRoutes(to: api)
    AuditController(store: store).addRoutes(to: api)
    MembersController(store: store).addRoutes(to: api)
    PrivacyController(store: store).addRoutes(to: api)
    ConsentsController(store: store).addRoutes(to: api)
    FeedbackController(store: store).addRoutes(to: api)
    SentimentController(store: store).addRoutes(to: api)
    WebhooksController(store: store, targets: webhookTargets).addRoutes(to: api)
    SegmentsController(store: store).addRoutes(to: api)
    TemplatesController(store: store, links: UnsubscribeLinks(tokens: store.unsubscribeTokens, publicURL: publicURL))
        .addRoutes(to: api)
    MessagesController(store: store).addRoutes(to: api)
    CampaignsController(store: store, available: messageChannels).addRoutes(to: api)
    TicketsController(store: store, publicURL: publicURL).addRoutes(to: api)
    SurveysController(store: store, publicURL: publicURL).addRoutes(to: api)
    MemberTokensController(store: store).addRoutes(to: api)
    OrdersController(store: store, metrics: metrics).addRoutes(to: api)
    EventsController(store: store, metrics: metrics).addRoutes(to: api)
    PointsController(store: store).addRoutes(to: api)
    ProgramController(store: store).addRoutes(to: api)
    RewardsController(store: store).addRoutes(to: api)
    AnalyticsController(store: store).addRoutes(to: api)
    ListeningReportsController(store: store).addRoutes(to: api)
    return router
}

/// The dashboard's pages: signing in is public (its posts spend the address's sign-in budget), everything else
/// needs a staff session and spends that person's read and write budgets.
func addDashboard(
    to router: Router<PatronRequestContext>, store: Store, signInBudget: RateLimitMiddleware, limiter: RateLimiter
) {
    DashboardAssets.addRoutes(to: router)
    let signIn = SignInPage(store: store)
    signIn.addRoutes(public: router.group(), signingIn: router.group().add(middleware: signInBudget))
    let pages = router.group().add(middleware: DashboardGate(store: store))
        .add(middleware: RateLimitMiddleware(limiter: limiter, clock: store.clock, countsByAddress: false))
    signIn.addSessionRoutes(to: pages)
    OverviewPage(store: store).addRoutes(to: pages)
    MembersPage(store: store).addRoutes(to: pages)
    ProgramPage(store: store).addRoutes(to: pages)
    AnalyticsPage(store: store).addRoutes(to: pages)
}
