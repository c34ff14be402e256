import Foundation
import Hummingbird
import Logging
import PatronCore
import PatronStore
import ServiceLifecycle

/// Builds the whole service: database, migrations, routes, middleware and background services.
/// `patron serve` runs what this returns; tests call it too.
public func buildApplication(configuration: PatronConfiguration) async throws -> some ApplicationProtocol {
    let logger = {
        var logger = Logger(label: "patron")
        logger.logLevel = configuration.logLevel
        return logger
    }()
    let database = try await DatabaseFactory.open(configuration.databaseURL, logger: logger)
    let dataKey = try DataKey.resolve(configuration: configuration.dataKey, database: configuration.databaseURL)
    let store = Store(database: database, protector: DataProtector(dataKey: dataKey))
    let metrics = ServerMetrics()

    var services: [any Service] = [database]
    if let interval = configuration.jobInterval {
        services.append(LoyaltyJobService(store: store, interval: interval, logger: logger))
    }
    if let interval = configuration.modelRefitInterval {
        services.append(ModelRefitService(store: store, interval: interval, logger: logger))
    }
    var application = Application(
        router: try buildRouter(store: store, metrics: metrics),
        configuration: .init(
            address: .hostname(configuration.hostname, port: configuration.port), serverName: "patron"),
        services: services,
        logger: logger)
    application.beforeServerStarts {
        let applied = try await Migrations.migrate(database)
        logger.info(
            "database.ready",
            metadata: ["database.url": "\(configuration.databaseURL)", "migrations.applied": "\(applied)"])
        if let path = configuration.programFile {
            let version = try await store.saveProgram(try ProgramFile.read(path), actor: "program file \(path)")
            logger.info("program.loaded", metadata: ["program.file": "\(path)", "program.version": "\(version)"])
        }
        if configuration.createsFirstAdminKey, try await store.apiKeys().isEmpty {
            let (_, secret) = try await store.createAPIKey(name: "first admin", scopes: [.admin])
            // Written unbuffered: the key must reach a redirected standard output at once.
            let message = """
                No API key existed, so this admin key was created. It is shown only once:

                    \(secret)

                Make more with: patron keys create --name NAME --scopes SCOPES

                """
            FileHandle.standardOutput.write(Data(message.utf8))
        }
    }
    return application
}

func buildRouter(store: Store, metrics: ServerMetrics) throws -> Router<PatronRequestContext> {
    let router = Router(context: PatronRequestContext.self)
    router.middlewares.add(MetricsMiddleware(metrics: metrics))
    router.middlewares.add(ProblemMiddleware())
    router.middlewares.add(RequestTargetMiddleware(document: OpenAPIDocument.document))
    OperationsController(store: store, metrics: metrics, document: try OpenAPIDocument.encoded()).addRoutes(to: router)
    let api = router.group("v1").add(middleware: APIKeyMiddleware(store: store))
    MembersController(store: store).addRoutes(to: api)
    OrdersController(store: store, metrics: metrics).addRoutes(to: api)
    EventsController(store: store, metrics: metrics).addRoutes(to: api)
    PointsController(store: store).addRoutes(to: api)
    ProgramController(store: store).addRoutes(to: api)
    RewardsController(store: store).addRoutes(to: api)
    AnalyticsController(store: store).addRoutes(to: api)
    return router
}
