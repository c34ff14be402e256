import AsyncHTTPClient
import Foundation
import NIOCore
import NIOFoundationCompat
import NIOHTTP1
import PatronStore
import PatronTestSupport
import SQLKit
import Testing

/// `patron users` as an operator runs it to make the first owner: the printed link opens the set-up on the server,
/// and mistakes end in one line and a non-zero exit.
@Suite struct UsersCommandTests {
    @Test(arguments: TestDatabase.engines)
    func theFirstOwnerIsMadeFromTheConsole(engine: DatabaseEngine) async throws {
        try await TestDatabase.withURL(engine) { url in
            let environment = ["PATRON_DATA_KEY": TestDatabase.makeDataKey()]
            let database = ["--database-url", url.argument]
            let server = try await ServerProcess.start(
                databaseURL: url.argument, environment: environment, client: .shared)
            let created = try await PatronCommand.run(
                [
                    "users", "create", "--email", "Boss@Example.cn", "--role", "owner", "--public-url",
                    server.baseURL + "/",
                ]
                    + database, environment: environment)
            #expect(created.status == 0, "\(created.errors)")
            let link = try #require(created.output.split(separator: "\n").last.map(String.init))
            #expect(link.hasPrefix(server.baseURL + "/setup/"))

            // The link's token opens the set-up through the API.
            let token = String(link.split(separator: "/").last!)
            let response = try await HTTPClient.shared.execute(
                HTTPClientRequest(url: server.baseURL + "/v1/auth/setup/" + token), timeout: .seconds(30))
            let body = try await response.body.collect(upTo: 1 << 20)
            let setup = try JSONSerialization.jsonObject(with: Data(buffer: body)) as? [String: Any]
            #expect(response.status == .ok)
            #expect((setup?["user"] as? [String: Any])?["email"] as? String == "boss@example.cn")
            #expect(setup?["requires_second_factor"] as? Bool == true)
            _ = try await server.terminate()

            let again = try await PatronCommand.run(
                ["users", "create", "--email", "boss@example.cn", "--role", "admin"] + database,
                environment: environment)
            #expect(again.status != 0)
            #expect(Self.lastLine(again.errors) == "Error: a staff account with this email exists")
            let unknownRole = try await PatronCommand.run(
                ["users", "create", "--email", "b@example.cn", "--role", "barista"] + database,
                environment: environment)
            #expect(Self.lastLine(unknownRole.errors) == "Error: no role is named 'barista'")

            let list = try await ServerProcess.run(["users", "list"] + database, environment: environment)
            let rows = list.split(separator: "\n")
            #expect(rows.count == 2 && rows[1].contains("\tboss@example.cn\towner\t*\tinvited\tno\tno"))
            let unlock = try await PatronCommand.run(
                ["users", "unlock", "usr_nobody"] + database, environment: environment)
            #expect(
                unlock.status != 0 && Self.lastLine(unlock.errors) == "Error: no staff account with id 'usr_nobody'")
        }
    }

    /// The error line; PostgresNIO may log a warning before it while the connection pool starts.
    static func lastLine(_ text: String) -> String? {
        text.split(separator: "\n").last.map(String.init)
    }
}
