import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import PatronCore
import PatronStore
import PatronTestSupport
import Testing

/// Staff through the API: invitations, set-up links, sign-in, the session cookie and its CSRF token, and what
/// each role may do.
@Suite struct AccessAPITests {
    static let password = "jade teapot on the windowsill"

    /// A signed-in member of staff: the cookie to send, and the CSRF token writes repeat.
    struct StaffClient {
        let app: TestApplication
        let userID: String
        let cookie: String
        let csrfToken: String

        @discardableResult
        func request(
            _ method: HTTPRequest.Method, _ path: String, json: JSONValue? = nil, csrf: Bool = true,
            idempotencyKey: String? = nil
        ) async throws -> TestResponse {
            var headers: HTTPFields = [.cookie: "patron_session=\(cookie)"]
            if csrf { headers[HTTPField.Name("X-CSRF-Token")!] = csrfToken }
            return try await app.request(
                method, path, json: json, anonymous: true, idempotencyKey: idempotencyKey, headers: headers)
        }
    }

    /// Invites `email` with `role` using the admin key, sets the account up through its link and signs in.
    static func signedIn(
        _ app: TestApplication, _ email: String, role: String, stores: [String]? = nil
    ) async throws -> StaffClient {
        var invitation: JSONValue = ["email": .string(email), "role": .string(role)]
        if let stores { invitation = invitation.setting("stores", .array(stores.map(JSONValue.string))) }
        let invited = try await app.request(.post, "/v1/users", json: invitation)
        #expect(invited.status == .created, "\(invited.text)")
        let link = try #require(invited.json["setup_url"]?.string)
        #expect(link.hasPrefix("http://127.0.0.1:8080/setup/"))
        let token = String(link.split(separator: "/").last!)
        let setup = try await app.request(.get, "/v1/auth/setup/\(token)", anonymous: true)
        #expect(setup.json["requires_second_factor"] == .bool(false))
        let completed = try await app.request(
            .post, "/v1/auth/setup/\(token)", json: ["password": .string(password)], anonymous: true)
        #expect(completed.status == .ok && completed.json["recovery_codes"] == .null, "\(completed.text)")
        return try await signIn(app, email)
    }

    static func signIn(_ app: TestApplication, _ email: String, extra: JSONValue = [:]) async throws -> StaffClient {
        var body: JSONValue = ["email": .string(email), "password": .string(password)]
        if case .object(let fields) = extra { for (key, value) in fields { body = body.setting(key, value) } }
        let response = try await app.request(.post, "/v1/auth/sessions", json: body, anonymous: true)
        #expect(response.status == .created, "\(response.text)")
        let setCookie = try #require(response.headers[.setCookie])
        for attribute in ["Secure", "HttpOnly", "SameSite=Lax", "Path=/"] {
            #expect(setCookie.contains("; \(attribute)"), "\(setCookie)")
        }
        let cookie = String(setCookie.split(separator: ";")[0].dropFirst("patron_session=".count))
        return StaffClient(
            app: app, userID: try #require(response.json["user"]?["user_id"]?.string), cookie: cookie,
            csrfToken: try #require(response.json["csrf_token"]?.string))
    }

    @Test(arguments: TestDatabase.engines)
    func sessionsNeedTheirCSRFTokenToWrite(engine: DatabaseEngine) async throws {
        try await TestApplication.run(engine) { app in
            let marketer = try await Self.signedIn(app, "mei@example.cn", role: "marketer")
            let session = try await marketer.request(.get, "/v1/auth/session", csrf: false)
            #expect(session.json["kind"] == "staff" && session.json["user"]?["role"] == "marketer")
            #expect(session.json["csrf_token"]?.string == marketer.csrfToken)

            let rule: JSONValue = [
                "kind": "points_per_currency_unit", "name": "1 per yuan", "points": 1, "per_minor": 100,
            ]
            let forged = try await marketer.request(.put, "/v1/rules/staff-picked", json: rule, csrf: false)
            #expect(forged.status == .forbidden && forged.json["title"] == "CSRF Token Missing")
            let saved = try await marketer.request(.put, "/v1/rules/staff-picked", json: rule)
            #expect(saved.status == .created, "\(saved.text)")
            // A marketer runs the program, not the members' data.
            #expect(try await marketer.request(.get, "/v1/members").status == .forbidden)

            #expect(try await marketer.request(.delete, "/v1/auth/session").status == .noContent)
            #expect(try await marketer.request(.get, "/v1/auth/session").status == .unauthorized)
        }
    }

    @Test(arguments: TestDatabase.engines)
    func storeStaffActOnlyForTheirStores(engine: DatabaseEngine) async throws {
        try await TestApplication.run(engine) { app in
            let till = try await Self.signedIn(app, "zhou@example.cn", role: "store", stores: ["SH-01"])
            #expect(try await till.request(.post, "/v1/orders", json: exampleOrder).status == .created)
            let elsewhere = exampleOrder.setting("order_id", "B-1").setting("store_id", "BJ-02")
            #expect(try await till.request(.post, "/v1/orders", json: elsewhere).status == .forbidden)
            let unnamed = exampleOrder.setting("order_id", "B-2").setting("store_id", nil)
            #expect(try await till.request(.post, "/v1/orders", json: unnamed).status == .forbidden)

            // A till key held to a store is refused elsewhere in the same way.
            let (_, key) = try await app.store.createAPIKey(
                name: "SH-01 till", scopes: [.ordersWrite, .couponsRedeem], stores: ["SH-01"])
            #expect(try await app.request(.post, "/v1/orders", json: elsewhere, key: key).status == .forbidden)
            let coupon = try await app.request(
                .post, "/v1/coupons/NOPE/validate", json: ["store_id": "BJ-02"], key: key)
            #expect(coupon.status == .forbidden)
            #expect(
                try await app.request(.post, "/v1/coupons/NOPE/validate", json: ["store_id": "SH-01"], key: key)
                    .status == .notFound)
            // The store role cannot change the program.
            #expect(try await till.request(.get, "/v1/program").status == .forbidden)
        }
    }

    @Test(arguments: TestDatabase.engines)
    func agentsMakeGoodWithinTheirLimit(engine: DatabaseEngine) async throws {
        try await TestApplication.run(engine) { app in
            let member = try await app.request(.post, "/v1/members", json: ["external_id": "u-7"])
            let memberID = try #require(member.json["member_id"]?.string)
            let agent = try await Self.signedIn(app, "agent@example.cn", role: "agent")
            let path = "/v1/members/\(memberID)/points/adjustments"
            let within = try await agent.request(
                .post, path, json: ["points": 500, "reason": "late delivery"], idempotencyKey: "a1")
            #expect(within.status == .created)
            let beyond = try await agent.request(
                .post, path, json: ["points": 501, "reason": "late delivery"], idempotencyKey: "a2")
            #expect(beyond.status == .forbidden)
            let points = try await agent.request(.get, "/v1/members/\(memberID)/points")
            #expect(points.json["available"]?.integer == 500)
            // The entry names the agent's account, not a shared key.
            #expect(points.json["entries"]?.array.first?["actor"]?.string == agent.userID)
        }
    }

    @Test(arguments: TestDatabase.engines)
    func ownersNeedASecondFactorAndOnlyOwnersMakeOwners(engine: DatabaseEngine) async throws {
        try await TestApplication.run(engine) { app in
            // An admin key manages staff but cannot make an owner.
            let refused = try await app.request(
                .post, "/v1/users", json: ["email": "boss@example.cn", "role": "owner"])
            #expect(refused.status == .forbidden)
            let owner = try await app.store.inviteStaff(
                email: "boss@example.cn", roleName: "owner", stores: nil, actingRole: nil)
            let setup = try await app.request(.get, "/v1/auth/setup/\(owner.setupToken)", anonymous: true)
            #expect(setup.json["requires_second_factor"] == .bool(true))
            let secret = try #require(setup.json["one_time_code_secret"]?.string.flatMap(Base32.decode))
            let withoutCode = try await app.request(
                .post, "/v1/auth/setup/\(owner.setupToken)", json: ["password": .string(Self.password)],
                anonymous: true)
            #expect(withoutCode.status == .unprocessableContent && withoutCode.errorPointers == ["/one_time_code"])
            let weak = try await app.request(
                .post, "/v1/auth/setup/\(owner.setupToken)", json: ["password": "woaini1314", "one_time_code": "1"],
                anonymous: true)
            #expect(weak.errorPointers == ["/password"])
            let code = OneTimeCode(secret: secret).code(step: OneTimeCodeWindow.step(at: WallClock.system.now))
            let completed = try await app.request(
                .post, "/v1/auth/setup/\(owner.setupToken)",
                json: ["password": .string(Self.password), "one_time_code": .string(code)], anonymous: true)
            let recovery = try #require(completed.json["recovery_codes"]?.array.first?.string)

            let passwordOnly = try await app.request(
                .post, "/v1/auth/sessions",
                json: ["email": "boss@example.cn", "password": .string(Self.password)], anonymous: true)
            #expect(passwordOnly.status == .unauthorized && passwordOnly.json["title"] == "Second Factor Required")
            let boss = try await Self.signIn(app, "boss@example.cn", extra: ["recovery_code": .string(recovery)])
            let second = try await boss.request(.post, "/v1/users", json: ["email": "co@example.cn", "role": "owner"])
            #expect(second.status == .created)
            let roles = try await boss.request(.get, "/v1/roles")
            #expect(roles.json["data"]?.array.count == StaffRole.builtIn.count)
        }
    }

    @Test(arguments: TestDatabase.engines)
    func repeatedFailuresAnswer429WithRetryAfter(engine: DatabaseEngine) async throws {
        try await TestApplication.run(engine) { app in
            _ = try await Self.signedIn(app, "ana@example.cn", role: "analyst")
            let wrong: JSONValue = ["email": "ana@example.cn", "password": "not the password"]
            for _ in 0..<3 {
                let failed = try await app.request(.post, "/v1/auth/sessions", json: wrong, anonymous: true)
                #expect(failed.status == .unauthorized && failed.json["title"] == "Sign-in Failed")
            }
            // The wait doubles from one second with each further failure; on a slow machine an attempt may come
            // after the wait and fail instead, but well before the tenth failure (which locks) one is held back.
            var throttled: TestResponse?
            for _ in 3..<9 where throttled == nil {
                let attempt = try await app.request(.post, "/v1/auth/sessions", json: wrong, anonymous: true)
                if attempt.status == .tooManyRequests { throttled = attempt }
            }
            let retryAfter = try #require(throttled?.headers[.retryAfter].flatMap(Int.init))
            #expect((1...32).contains(retryAfter))
            // An unknown account is answered the same way as a wrong password.
            let unknown = try await app.request(
                .post, "/v1/auth/sessions", json: ["email": "nobody@example.cn", "password": "whatever it is"],
                anonymous: true)
            #expect(unknown.status == .unauthorized && unknown.json["title"] == "Sign-in Failed")
        }
    }

    @Test(arguments: TestDatabase.engines)
    func theSetUpLinkOpensAPageThatRunsNoScript(engine: DatabaseEngine) async throws {
        try await TestApplication.run(engine) { app in
            let invitation = try await app.store.inviteStaff(
                email: "o'brien@example.cn", roleName: "owner", stores: nil, actingRole: nil)
            let path = "/setup/\(invitation.setupToken)"
            let page = try await app.client.execute(uri: path, method: .get, headers: [:], body: nil)
            #expect(page.status == .ok && page.headers[.contentType] == "text/html; charset=utf-8")
            let policy = try #require(page.headers[.contentSecurityPolicy])
            #expect(policy.contains("frame-ancestors 'none'") && policy.contains("script-src 'self'"))
            #expect(!policy.contains("unsafe-inline"))
            #expect(page.headers[.xContentTypeOptions] == "nosniff")
            #expect(page.headers[HTTPField.Name("Referrer-Policy")!] == "same-origin")
            #expect(!page.text.contains("<script") && page.text.contains("o&#39;brien@example.cn"))
            let secret = try await app.store.staffSetup(token: invitation.setupToken).oneTimeCodeSecret
            #expect(page.text.contains(secret))

            func post(_ form: String) async throws -> TestResponse {
                try await app.client.execute(
                    uri: path, method: .post,
                    headers: [.contentType: "application/x-www-form-urlencoded", .acceptLanguage: "en"],
                    body: ByteBuffer(string: form))
            }
            let weak = try await post("password=password123&one_time_code=")
            #expect(weak.status == .unprocessableContent && weak.text.contains("most common passwords"))
            // Refusals are in the page's language.
            let short = try await app.client.execute(
                uri: path, method: .post,
                headers: [.contentType: "application/x-www-form-urlencoded", .acceptLanguage: "zh-CN"],
                body: ByteBuffer(string: "password=abc&one_time_code="))
            #expect(short.status == .unprocessableContent && short.text.contains("密码至少需要"), "\(short.text)")
            let noCode = try await post("password=jade+teapot+on+the+windowsill&one_time_code=")
            #expect(noCode.text.contains("Enter the current code from your authenticator app."))
            let code = OneTimeCode(secret: try #require(Base32.decode(secret))).code(
                step: OneTimeCodeWindow.step(at: WallClock.system.now))
            let done = try await post("password=jade+teapot+on+the+windowsill&one_time_code=\(code)")
            #expect(done.status == .ok, "\(done.text)")
            #expect(done.text.components(separatedBy: "<li><code>").count == 11)
            let used = try await app.client.execute(uri: path, method: .get, headers: [:], body: nil)
            #expect(used.status == .notFound && used.headers[.contentSecurityPolicy] != nil)

            // API answers are not pages: no page policy, but never sniffed.
            let json = try await app.request(.get, "/v1/auth/session")
            #expect(json.headers[.contentSecurityPolicy] == nil && json.headers[.xContentTypeOptions] == "nosniff")
        }
    }
}
