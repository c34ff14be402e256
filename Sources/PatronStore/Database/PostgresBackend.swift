import Foundation
import NIOSSL
import PostgresKit
import PostgresNIO
import SQLKit
import ServiceLifecycle

/// The production engine: PostgreSQL through a `PostgresClient` connection pool,
/// one database transaction per write.
public final class PostgresBackend: Database {
    public var engine: DatabaseEngine { .postgres }

    let client: PostgresClient
    let logger: Logger

    public init(url: String, maximumConnections: Int = 20, logger: Logger) throws {
        let connection = try SQLPostgresConfiguration(url: url).coreConfiguration
        guard let host = connection.host, let port = connection.port else {
            throw DatabaseURLError(text: url)
        }
        let tls: PostgresClient.Configuration.TLS =
            switch (connection.tls.isEnforced, connection.tls.isAllowed, connection.tls.sslContext) {
            case (true, _, let context?): .require(context.configuration)
            case (_, true, let context?): .prefer(context.configuration)
            default: .disable
            }
        var configuration = PostgresClient.Configuration(
            host: host, port: port, username: connection.username, password: connection.password,
            database: connection.database, tls: tls)
        configuration.options.maximumConnections = maximumConnections
        self.client = PostgresClient(configuration: configuration, backgroundLogger: logger)
        self.logger = logger
    }

    public func read<Result: Sendable>(
        _ body: @escaping @Sendable (any SQLDatabase) async throws -> Result
    ) async throws -> Result {
        try await client.withConnection { connection in
            try await body(connection.sql())
        }
    }

    public func write<Result: Sendable>(
        _ body: @escaping @Sendable (any SQLDatabase) async throws -> Result
    ) async throws -> Result {
        // A deadlock or serialization failure aborts a transaction through no fault of its own: retry it.
        var attempt = 1
        while true {
            do {
                return try await client.withConnection { connection in
                    let database = connection.sql()
                    try await database.raw("BEGIN").run()
                    do {
                        let result = try await body(database)
                        try await database.raw("COMMIT").run()
                        return result
                    } catch {
                        try? await database.raw("ROLLBACK").run()
                        throw error
                    }
                }
            } catch let error as PSQLError where attempt < 5 && Self.isTransient(error) {
                attempt += 1
                logger.debug("database.write.retry", metadata: ["attempt": "\(attempt)"])
            }
        }
    }

    private static func isTransient(_ error: PSQLError) -> Bool {
        guard let state = error.serverInfo?[.sqlState] else { return false }
        return state == "40001" || state == "40P01"
    }

    public func run() async throws {
        await client.run()
    }

    public func close() async {}
}
