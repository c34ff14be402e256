import AsyncHTTPClient
import Foundation
import NIOCore
import NIOFoundationCompat
import NIOHTTP1
import PatronStore
import PatronTestSupport
import Testing

/// A server logging everything it can (trace) is sent a member's email, phone and name, a staff password, an
/// API key and a member token, in bodies, query strings and headers; none of them may appear in what it writes.
@Suite struct SecretsInLogsTests {
    @Test(arguments: TestDatabase.engines)
    func noSecretReachesTheLogAtAnyLevel(engine: DatabaseEngine) async throws {
        try await TestDatabase.withURL(engine) { url in
            let environment = ["PATRON_DATA_KEY": TestDatabase.makeDataKey()]
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("logs-\(UUID())")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: directory) }
            let log = directory.appendingPathComponent("serve.log").path
            let server = try await ServerProcess.start(
                databaseURL: url.argument, environment: environment, client: .shared,
                arguments: ["--log-level", "trace"], output: log)
            let first = try String(contentsOfFile: log, encoding: .utf8)
            let adminKey = try #require(
                first.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.first {
                    $0.hasPrefix("ptn_")
                })
            let email = "secret.person@example.cn"
            let phone = "13912345678"
            let name = "保密姓名"
            let password = "correct horse battery staple"

            let member = try await server.send(
                .POST, "/v1/members",
                body: ["external_id": "u-secret", "email": email, "phone": phone, "name": name], key: adminKey,
                client: .shared)
            let memberID = try #require(member.json["member_id"] as? String)
            _ = try await server.send(.GET, "/v1/members?email=\(email)", key: adminKey, client: .shared)
            _ = try await server.send(.GET, "/v1/members?phone=\(phone)", key: adminKey, client: .shared)
            let issued = try await server.send(
                .POST, "/v1/members/\(memberID)/tokens", body: [:], key: adminKey, client: .shared)
            let memberToken = try #require(issued.json["token"] as? String)
            _ = try await server.send(.GET, "/v1/members/\(memberID)", key: memberToken, client: .shared)
            // Failures log too: a wrong key, a sign-in with a password, a body that is not JSON.
            _ = try await server.send(.GET, "/v1/members", key: adminKey + "x", client: .shared)
            var signIn = HTTPClientRequest(url: server.baseURL + "/v1/auth/sessions")
            signIn.method = .POST
            signIn.headers.add(name: "Content-Type", value: "application/json")
            signIn.body = .bytes(
                ByteBuffer(data: try JSONSerialization.data(withJSONObject: ["email": email, "password": password])))
            _ = try await HTTPClient.shared.execute(signIn, timeout: .seconds(30))
            _ = try await server.send(
                .PATCH, "/v1/members/\(memberID)", body: ["phone": "not a phone \(phone)"], key: adminKey,
                client: .shared)
            _ = try await server.terminate()

            let written =
                try String(contentsOfFile: log, encoding: .utf8)
                + (try String(contentsOfFile: log + ".errors", encoding: .utf8))
            #expect(written.contains("trace") || written.contains("debug"), "the server logged at trace level")
            // The first admin key is shown once, by design, when it is made; nowhere else.
            #expect(written.components(separatedBy: adminKey).count == 2)
            // Services are logged with their fields when they start and stop; keys are not among what shows.
            for keyMaterial in [environment["PATRON_DATA_KEY"]!, "KeyBytes", "keyBytes"] {
                #expect(!written.contains(keyMaterial), "the log holds key material: \(keyMaterial)")
            }
            for secret in [email, phone, name, password, memberToken, "+86" + phone] {
                #expect(!written.contains(secret), "the log holds \(secret)")
            }
        }
    }
}
