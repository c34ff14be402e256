import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import PatronCore
import PatronStore
import PatronTestSupport
import Testing

@testable import PatronServer

/// The dashboard's pages as a browser without script sees them: signing in through the form, the overview's
/// figures for a period against the one before, finding a member and the member's page, who may see what,
/// and both languages.
@Suite struct DashboardPageTests {
    /// A browser: its cookies, sent with every request, and forms posted as browsers post them.
    struct Browser {
        let app: TestApplication
        var cookies: [String: String] = [:]
        var acceptLanguage = "en"

        func get(_ path: String) async throws -> TestResponse {
            try await app.request(.get, path, anonymous: true, headers: headers())
        }

        func post(_ path: String, form: [String: String], origin: String? = nil) async throws -> TestResponse {
            var headers = headers()
            headers[.contentType] = "application/x-www-form-urlencoded"
            if let origin { headers[.origin] = origin }
            let body = form.sorted { $0.key < $1.key }.map { "\($0.key)=\(Self.encode($0.value))" }
                .joined(separator: "&")
            return try await app.request(.post, path, body: body, anonymous: true, headers: headers)
        }

        /// Keeps what a response's `Set-Cookie` headers set (or clear).
        mutating func keep(_ response: TestResponse) {
            for header in response.headers[values: .setCookie] {
                let pair = header.split(separator: ";")[0].split(
                    separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                cookies[String(pair[0])] = pair.count > 1 && !pair[1].isEmpty ? String(pair[1]) : nil
            }
        }

        func headers() -> HTTPFields {
            var headers: HTTPFields = [.acceptLanguage: acceptLanguage]
            if !cookies.isEmpty {
                headers[.cookie] = cookies.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
                    .joined(separator: "; ")
            }
            return headers
        }

        static func encode(_ value: String) -> String {
            var allowed = CharacterSet.alphanumerics
            allowed.insert(charactersIn: "-._~")
            return value.addingPercentEncoding(withAllowedCharacters: allowed)!
        }

        /// The CSRF token of the page's forms.
        static func csrfToken(in page: TestResponse) throws -> String {
            let text = page.text
            let marker = "name=\"csrf_token\" value=\""
            let start = try #require(text.range(of: marker)).upperBound
            return String(text[start...].prefix { $0 != "\"" })
        }
    }

    /// Signs `email` in through the sign-in form, after setting the account up through the API.
    static func signedInBrowser(_ app: TestApplication, _ email: String, role: String) async throws -> Browser {
        _ = try await AccessAPITests.signedIn(app, email, role: role)
        var browser = Browser(app: app)
        let signIn = try await browser.post(
            "/sign-in", form: ["email": email, "password": AccessAPITests.password, "next": "/"])
        #expect(signIn.status == .seeOther, "\(signIn.text)")
        browser.keep(signIn)
        return browser
    }

    /// Signs `email` in with its authenticator's code, after setting up an account whose role needs one.
    static func signedInBrowserWithSecondFactor(
        _ app: TestApplication, _ email: String, role: String
    ) async throws
        -> Browser
    {
        let secret = try await enrolWithAuthenticator(app, email, role: role)
        var browser = Browser(app: app)
        // The step after the one set-up used: a code is good once.
        let code = OneTimeCode(secret: secret).code(step: OneTimeCodeWindow.step(at: WallClock.system.now) + 1)
        let signIn = try await browser.post(
            "/sign-in", form: ["email": email, "password": AccessAPITests.password, "code": code, "next": "/"])
        #expect(signIn.status == .seeOther, "\(signIn.text)")
        browser.keep(signIn)
        return browser
    }

    /// Sets up an account whose role needs a second factor, and answers its authenticator's secret.
    static func enrolWithAuthenticator(_ app: TestApplication, _ email: String, role: String) async throws -> [UInt8] {
        let invited = try await app.store.inviteStaff(email: email, roleName: role, stores: nil, actingRole: nil)
        let setup = try await app.request(.get, "/v1/auth/setup/\(invited.setupToken)", anonymous: true)
        let secret = try #require(setup.json["one_time_code_secret"]?.string.flatMap(Base32.decode))
        let code = OneTimeCode(secret: secret).code(step: OneTimeCodeWindow.step(at: WallClock.system.now))
        let completed = try await app.request(
            .post, "/v1/auth/setup/\(invited.setupToken)",
            json: ["password": .string(AccessAPITests.password), "one_time_code": .string(code)], anonymous: true)
        #expect(completed.status == .ok, "\(completed.text)")
        return secret
    }

    @Test(arguments: TestDatabase.engines)
    func aPageSendsStrangersToSignInAndBack(engine: DatabaseEngine) async throws {
        try await TestApplication.run(engine) { app in
            let secret = try await Self.enrolWithAuthenticator(app, "wang@example.cn", role: "admin")
            var browser = Browser(app: app)
            let overview = try await browser.get("/members?q=138")
            #expect(overview.status == .seeOther)
            #expect(overview.headers[.location] == "/sign-in?next=/members%3Fq%3D138")

            let form = try await browser.get("/sign-in?next=/members%3Fq%3D138")
            #expect(form.status == .ok && form.headers[.contentType] == "text/html; charset=utf-8")
            #expect(form.headers[.contentSecurityPolicy]?.contains("script-src 'self'") == true)
            #expect(form.text.contains("<input type=\"hidden\" name=\"next\" value=\"/members?q=138\">"))
            #expect(!form.text.contains("<script"))

            let wrong = try await browser.post(
                "/sign-in", form: ["email": "wang@example.cn", "password": "not the password", "next": "/"])
            #expect(wrong.status == .unprocessableContent)
            #expect(wrong.text.contains("The email, password or code is not right."))
            #expect(wrong.text.contains("value=\"wang@example.cn\""))
            #expect(wrong.headers[.setCookie] == nil)

            // A form posted from another site is refused before the password is even checked.
            let forged = try await browser.post(
                "/sign-in", form: ["email": "wang@example.cn", "password": AccessAPITests.password],
                origin: "https://evil.example")
            #expect(forged.status == .forbidden && forged.headers[.setCookie] == nil)

            let withoutCode = try await browser.post(
                "/sign-in", form: ["email": "wang@example.cn", "password": AccessAPITests.password])
            #expect(withoutCode.status == .unprocessableContent)
            #expect(withoutCode.text.contains("This account needs the code from its authenticator app as well."))

            // The step after the one set-up used: a code is good once.
            let code = OneTimeCode(secret: secret).code(step: OneTimeCodeWindow.step(at: WallClock.system.now) + 1)
            let signedIn = try await browser.post(
                "/sign-in",
                form: [
                    "email": "wang@example.cn", "password": AccessAPITests.password, "code": code,
                    "next": "/members?q=138",
                ])
            #expect(signedIn.status == .seeOther && signedIn.headers[.location] == "/members?q=138")
            browser.keep(signedIn)
            #expect(browser.cookies["patron_session"] != nil)
            let page = try await browser.get("/members?q=138")
            #expect(page.status == .ok, "\(page.text)")
            #expect(page.text.contains("wang@example.cn · admin"))

            // Where to go next is always this server: another site's address goes to the overview instead.
            _ = try await AccessAPITests.signedIn(app, "zhao@example.cn", role: "analyst")
            let away = try await Browser(app: app).post(
                "/sign-in",
                form: ["email": "zhao@example.cn", "password": AccessAPITests.password, "next": "//evil.example/x"])
            #expect(away.status == .seeOther && away.headers[.location] == "/")
        }
    }

    @Test(arguments: TestDatabase.engines)
    func signingOutNeedsThePagesTokenAndEndsTheSession(engine: DatabaseEngine) async throws {
        try await TestApplication.run(engine) { app in
            var browser = try await Self.signedInBrowser(app, "li@example.cn", role: "analyst")
            let overview = try await browser.get("/")
            #expect(overview.status == .ok)
            let token = try Browser.csrfToken(in: overview)

            let forged = try await browser.post("/sign-out", form: ["csrf_token": "guessed"])
            #expect(forged.status == .forbidden)
            #expect(forged.text.contains("Form expired"))
            #expect(try await browser.get("/").status == .ok)

            let out = try await browser.post("/sign-out", form: ["csrf_token": token])
            #expect(out.status == .seeOther && out.headers[.location] == "/sign-in")
            let kept = browser.cookies["patron_session"]
            browser.keep(out)
            #expect(browser.cookies["patron_session"] == nil)
            // The old cookie, if someone kept it, opens nothing any more.
            browser.cookies["patron_session"] = kept
            #expect(try await browser.get("/").status == .seeOther)
        }
    }

    @Test(arguments: TestDatabase.engines)
    func eachRoleSeesOnlyItsPages(engine: DatabaseEngine) async throws {
        try await TestApplication.run(engine) { app in
            let analyst = try await Self.signedInBrowser(app, "an@example.cn", role: "analyst")
            let agent = try await Self.signedInBrowser(app, "ag@example.cn", role: "agent")

            let overview = try await analyst.get("/")
            #expect(overview.status == .ok)
            #expect(overview.text.contains("<a href=\"/\" aria-current=\"page\">Overview</a>"))
            #expect(!overview.text.contains("href=\"/members\""), "an analyst does not see members")
            let refused = try await analyst.get("/members")
            #expect(refused.status == .forbidden && refused.text.contains("Your role does not give access"))

            #expect(try await agent.get("/members").status == .ok)
            #expect(try await agent.get("/").status == .forbidden)
        }
    }

    @Test(arguments: TestDatabase.engines)
    func theOverviewComparesAPeriodWithTheOneBefore(engine: DatabaseEngine) async throws {
        try await TestApplication.run(engine) { app in
            // Two orders in 1–7 November, one of them half refunded; three in the 7 days before (25–31 October).
            let days = ["2026-10-26", "2026-10-28", "2026-10-30", "2026-11-02", "2026-11-05"]
            for (number, day) in days.enumerated() {
                let order = exampleOrder.setting("order_id", .string("O-\(number)"))
                    .setting("occurred_at", .string("\(day)T04:00:00Z"))
                    .setting("member", ["external_id": .string("u-\(number % 2)")])
                #expect(try await app.request(.post, "/v1/orders", json: order).status == .created)
            }
            let refund = try await app.request(
                .post, "/v1/orders/O-4/refunds",
                json: ["refund_id": "R-1", "lines": [["sku": "LATTE-L", "quantity": 1]]])
            #expect(refund.status == .created, "\(refund.text)")

            var browser = try await Self.signedInBrowser(app, "an@example.cn", role: "analyst")
            let page = try await browser.get("/?from=2026-11-01&to=2026-11-07")
            #expect(page.status == .ok, "\(page.text)")
            let text = page.text
            #expect(text.contains("1 Nov 2026 to 7 Nov 2026 (7 days)"))
            #expect(Self.tile("Orders", in: text) == "2")
            #expect(Self.tileChange("Orders", in: text)?.contains("down 33.3% on the previous 7 days") == true)
            // Nobody ordered twice this week; one of the two did the week before.
            #expect(Self.tile("Repurchase rate", in: text) == "0%")
            #expect(
                Self.tileChange("Repurchase rate", in: text)?.contains("down 50 points on the previous 7 days") == true)
            // 64 + 64 − 32 yuan this week, 192 the week before.
            #expect(Self.tile("Revenue from members", in: text) == "¥96")
            #expect(text.contains("Revenue from members was ¥96.00 in these 7 days, down 50% on the 7 days before."))
            #expect(text.contains("<th scope=\"row\">5 Nov 2026</th><td class=\"number\">¥32.00</td>"))
            #expect(text.contains("<svg class=\"chart\""))
            #expect(text.contains("aria-current=\"true\">") == false, "a chosen period is not a preset")
            // Five orders of 64 points, 32 taken back: 288 held, all earned and taken back today (points move when
            // the orders are recorded, not when they happened).
            #expect(Self.tile("Points outstanding", in: text) == "288")
            #expect(Self.tileChange("Points outstanding", in: text)?.hasPrefix("0 in this period<") == true)
            let recent = try await browser.get("/").text
            #expect(Self.tileChange("Points outstanding", in: recent)?.hasPrefix("+288 in this period<") == true)
            // Read from the daily sums once the job has made them, every tile says the same.
            #expect(try await app.store.refreshActivityRollups() > 0)
            let summed = try await browser.get("/?from=2026-11-01&to=2026-11-07").text
            for label in [
                "Members", "Members who bought", "Revenue from members", "Orders", "Repurchase rate", "Points issued",
                "Points outstanding",
            ] {
                #expect(Self.tile(label, in: summed) == Self.tile(label, in: text), "\(label)")
                #expect(Self.tileChange(label, in: summed) == Self.tileChange(label, in: text), "\(label)")
            }

            // In Chinese, by the person's choice, over the browser's language.
            let choose = try await browser.get("/language/zh?next=/%3Ffrom%3D2026-11-01%26to%3D2026-11-07")
            #expect(choose.status == .seeOther && choose.headers[.location] == "/?from=2026-11-01&to=2026-11-07")
            browser.keep(choose)
            let chinese = try await browser.get("/?from=2026-11-01&to=2026-11-07")
            #expect(chinese.text.contains("<html lang=\"zh-CN\">"))
            #expect(Self.tile("订单数", in: chinese.text) == "2")
            #expect(chinese.text.contains("2026年11月1日 至 2026年11月7日"))
            #expect(chinese.text.contains("较前 7 天下降 33.3%"))

            let refused = try await browser.get("/?from=2026-11-07&to=2026-11-01")
            #expect(refused.status == .ok && refused.text.contains("role=\"alert\""))
        }
    }

    @Test(arguments: TestDatabase.engines)
    func aMemberIsFoundByPhoneAndShownWholeAndEscaped(engine: DatabaseEngine) async throws {
        try await TestApplication.run(engine) { app in
            let order = exampleOrder.setting(
                "member",
                ["external_id": "u-42", "phone": "13800138000", "name": "<script>alert('李')</script>"])
            #expect(try await app.request(.post, "/v1/orders", json: order).status == .created)
            let member = try #require(try await app.store.member(externalID: "u-42"))
            let adjust = try await app.request(
                .post, "/v1/members/\(member.id)/points/adjustments",
                json: ["points": -5, "reason": "goodwill <b>fix</b>"], idempotencyKey: "adj-1")
            #expect(adjust.status == .created, "\(adjust.text)")

            let agent = try await Self.signedInBrowser(app, "ag@example.cn", role: "agent")
            // As a browser sends a form: spaces as "+".
            let search = try await agent.get("/members?q=138+0013+8000")
            #expect(search.status == .ok)
            #expect(
                search.text.contains(
                    "<a href=\"/members/\(member.id)\">&lt;script&gt;alert(&#39;李&#39;)&lt;/script&gt;</a>"))
            #expect(!search.text.contains("<script>"))
            #expect(try await agent.get("/members?q=13900000000").text.contains("No member matches that."))

            let page = try await agent.get("/members/\(member.id)")
            #expect(page.status == .ok)
            let text = page.text
            #expect(text.contains("<dd>+8613800138000</dd>"))
            // The journal, newest first, with the balance after each entry: 64 earned, then 5 taken.
            #expect(
                text.contains(
                    "<td class=\"nowrap\">Adjusted</td><td>goodwill &lt;b&gt;fix&lt;/b&gt;</td>"
                        + "<td class=\"number\">−5</td><td class=\"number\">59</td>"))
            #expect(text.contains("<td class=\"number\">+64</td><td class=\"number\">64</td>"))
            #expect(text.contains("<td>A-1001</td>"))
            #expect(try await agent.get("/members/mem_unknown").status == .notFound)

            let audit = try await app.store.auditEntries(AuditQuery(objectID: member.id))
            #expect(Set(audit.items.map(\.entry.event.action)).isSuperset(of: ["searchMembers", "viewMember"]))
        }
    }

    @Test(arguments: TestDatabase.engines)
    func aRuleIsEditedWithTheAPIsValidationAndTheSecondEditorIsTold(engine: DatabaseEngine) async throws {
        try await TestApplication.run(engine) { app in
            #expect(try await app.request(.post, "/v1/orders", json: exampleOrder).status == .created)
            let mei = try await Self.signedInBrowser(app, "mei@example.cn", role: "marketer")
            let lin = try await Self.signedInBrowser(app, "lin@example.cn", role: "marketer")

            let program = try await mei.get("/program")
            #expect(program.status == .ok)
            #expect(program.text.contains("<a href=\"/program/rules/base\">base</a>"))
            // The one member is on the first tier.
            #expect(
                program.text.contains(
                    "<td class=\"number\">¥0.00</td><td class=\"number\">×1</td><td class=\"number\">1</td>"))

            let form = try await mei.get("/program/rules/base")
            #expect(form.status == .ok && form.text.contains("&quot;per_minor&quot; : 100"))
            let token = try Browser.csrfToken(in: form)
            let version = try #require(Self.field("version", in: form.text))
            let rule = #"{"kind": "points_per_currency_unit", "points": 2, "per_minor": 100, "priority": 10}"#

            let broken = try await mei.post(
                "/program/rules/base", form: ["csrf_token": token, "version": version, "rule": "{\"kind\": "])
            #expect(broken.status == .unprocessableContent && broken.text.contains("This is not a JSON object"))
            let invalid = try await mei.post(
                "/program/rules/base",
                form: [
                    "csrf_token": token, "version": version,
                    "rule": rule.replacing("\"points\": 2", with: "\"points\": -2"),
                ])
            #expect(
                invalid.status == .unprocessableContent && invalid.text.contains("<li>/points: "), "\(invalid.text)")

            // Lin opened the same version; Mei saves first.
            let linForm = try await lin.get("/program/rules/base")
            let saved = try await mei.post(
                "/program/rules/base", form: ["csrf_token": token, "version": version, "rule": rule])
            #expect(saved.status == .seeOther && saved.headers[.location] == "/program?saved=base")
            let rules = try await app.request(.get, "/v1/rules")
            #expect(rules.json["data"]?.array.first { $0["rule_id"] == "base" }?["points"] == 2)
            #expect(try await mei.get("/program?saved=base").text.contains("Rule base saved."))

            let late = try await lin.post(
                "/program/rules/base",
                form: [
                    "csrf_token": try Browser.csrfToken(in: linForm), "version": version,
                    "rule": rule.replacing("\"points\": 2", with: "\"points\": 3"),
                ])
            #expect(late.status == .conflict && late.text.contains("Someone changed the program after you opened"))
            #expect(late.text.contains("&quot;points&quot; : 2"), "the rule as Mei left it")
            #expect(late.text.contains("&quot;points&quot;: 3"), "Lin's text, kept")
            let after = try await app.request(.get, "/v1/rules")
            #expect(after.json["data"]?.array.first { $0["rule_id"] == "base" }?["points"] == 2)

            let audit = try await app.store.auditEntries(AuditQuery(objectID: "base"))
            #expect(audit.items.map(\.entry.event.action) == ["putRule"])
            let agent = try await Self.signedInBrowser(app, "ag@example.cn", role: "agent")
            #expect(try await agent.get("/program").status == .forbidden)
            #expect(try await agent.post("/program/rules/base", form: ["rule": rule]).status == .forbidden)
        }
    }

    @Test(arguments: TestDatabase.engines)
    func aDraftRuleIsTriedOnAnOrderBeforeItIsSaved(engine: DatabaseEngine) async throws {
        try await TestApplication.run(engine) { app in
            let mei = try await Self.signedInBrowser(app, "mei@example.cn", role: "marketer")
            let form = try await mei.get("/program/rules/base")
            #expect(form.text.contains("formaction=\"/program/rules/base/try\""))
            var fields = [
                "csrf_token": try Browser.csrfToken(in: form),
                "version": try #require(Self.field("version", in: form.text)),
                "rule": #"{"kind": "points_per_currency_unit", "points": 2, "per_minor": 100, "priority": 10}"#,
                "try_sku": "LATTE-L", "try_quantity": "2", "try_price": "32.5", "try_channel": "app",
                "try_member": "",
            ]
            let tried = try await mei.post("/program/rules/base/try", form: fields)
            #expect(tried.status == .ok, "\(tried.text)")
            // ¥65 a new member spends: 65 points a yuan now, 130 with the draft.
            #expect(tried.text.contains("<h3>With the rules now</h3><p class=\"value\">65 points</p>"))
            #expect(tried.text.contains("<h3>With this draft</h3><p class=\"value\">130 points</p>"))
            #expect(tried.text.contains("<option value=\"app\" selected>app</option>"))
            #expect(tried.text.contains("&quot;points&quot;: 2"), "the draft is kept, unsaved")
            let rules = try await app.request(.get, "/v1/rules")
            #expect(rules.json["data"]?.array.first { $0["rule_id"] == "base" }?["points"] == 1)

            fields["try_price"] = "32.505"
            let badPrice = try await mei.post("/program/rules/base/try", form: fields)
            #expect(badPrice.status == .unprocessableContent)
            #expect(badPrice.text.contains("<li>/lines/0/unit_price_minor: is not an amount</li>"))
            #expect(badPrice.text.contains("value=\"32.505\""))
            fields["try_price"] = "32"
            fields["rule"] = "{"
            #expect(try await mei.post("/program/rules/base/try", form: fields).status == .unprocessableContent)
            #expect(try await app.store.auditEntries(AuditQuery(objectID: "base")).items.isEmpty)
        }
    }

    @Test(arguments: TestDatabase.engines)
    func analyticsShowSegmentsCohortsAndExpiry(engine: DatabaseEngine) async throws {
        try await TestApplication.run(engine) { app in
            // Two customers start in October; one comes back in November.
            for (number, (member, day)) in [("u-1", "2026-10-05"), ("u-2", "2026-10-20"), ("u-1", "2026-11-03")]
                .enumerated()
            {
                let order = exampleOrder.setting("order_id", .string("C-\(number)"))
                    .setting("occurred_at", .string("\(day)T04:00:00Z")).setting(
                        "member", ["external_id": .string(member)])
                #expect(try await app.request(.post, "/v1/orders", json: order).status == .created)
            }
            let analyst = try await Self.signedInBrowser(app, "an@example.cn", role: "analyst")
            let page = try await analyst.get("/analytics")
            #expect(page.status == .ok, "\(page.text)")
            let text = page.text
            #expect(text.contains("2 customers with an order by"))
            #expect(
                text.contains("<th scope=\"row\">Champions</th>") && text.contains("<th scope=\"row\">Churned</th>"))
            #expect(
                text.contains(
                    "<th scope=\"row\">Oct 2026</th><td class=\"number\">2</td><td class=\"number heat-9\">100%</td>"
                        + "<td class=\"number heat-5\">50%</td>"), "\(text)")
            // 64 points a visit, a year's life: all three orders' points expire in their month next year.
            #expect(text.contains("<th scope=\"row\">2027-10</th><td class=\"number\">128</td>"))
            // Every point earned is still held; the rewards report says so, and adds up.
            #expect(
                text.contains(
                    "<th scope=\"row\">Held by members</th><td class=\"number\">192</td><td class=\"number\">100%</td>")
            )
            #expect(text.contains("<th scope=\"row\">Earned in all</th><td class=\"number\">192</td>"))
            #expect(text.contains("No rewards issued yet."))
            // Before any model fit the value section says when it will appear.
            #expect(text.contains("Lifetime value and churn risk appear after the first model fit"))
            // The figures are the day's snapshot: a new order shows once someone computes them again.
            let later = exampleOrder.setting("order_id", "C-9").setting("member", ["external_id": "u-3"])
            #expect(try await app.request(.post, "/v1/orders", json: later).status == .created)
            #expect(try await analyst.get("/analytics").text.contains("2 customers with an order by"))
            let form = try await analyst.get("/analytics")
            let refreshed = try await analyst.post(
                "/analytics/refresh", form: ["csrf_token": try Browser.csrfToken(in: form)])
            #expect(refreshed.status == .seeOther && refreshed.headers[.location] == "/analytics")
            #expect(try await analyst.get("/analytics").text.contains("3 customers with an order by"))
            let agent = try await Self.signedInBrowser(app, "ag@example.cn", role: "agent")
            #expect(try await agent.get("/analytics").status == .forbidden)
        }
    }

    @Test(arguments: TestDatabase.engines)
    func theProgramPageShowsTierMovesTheCatalogAndReferrals(engine: DatabaseEngine) async throws {
        try await TestApplication.run(engine) { app in
            // ¥2,500 in one order: silver (¥2,000) at once, this month.
            let memberID = try await app.memberWithPoints("u-50", totalMinor: 250_000)
            _ = try await app.memberWithPoints("u-51", totalMinor: 1_000)
            #expect(try await app.request(.post, "/v1/rewards", json: coffeeCoupon).status == .created)
            let redeemed = try await app.request(
                .post, "/v1/members/\(memberID)/redemptions", json: ["reward_id": "COFFEE-5"],
                idempotencyKey: "r-1")
            #expect(redeemed.status == .created, "\(redeemed.text)")
            let mei = try await Self.signedInBrowser(app, "mei@example.cn", role: "marketer")
            let page = try await mei.get("/program")
            #expect(page.status == .ok, "\(page.text)")
            let text = page.text
            let today = try await app.store.today()
            let month = "\(Formats.months[today.month - 1]) \(today.year)"
            #expect(
                text.contains(
                    "<th scope=\"row\">\(month)</th><td class=\"number\">1</td><td class=\"number\">0</td>"))
            #expect(text.contains("Moves between tiers in the last 12 months: 1 up, 0 down."))
            // The catalog: 50 points each, one issued of 100.
            #expect(
                text.contains(
                    "<td class=\"number\">50</td><td class=\"number\">1</td><td class=\"number\">99</td>"
                        + "<td>Offered</td>"))
            #expect(text.contains("<dt>Friends joined</dt><dd>0</dd>"))
            let csv = try await mei.get("/program?download=tier-movements").text
            #expect(csv.contains("\r\n\(String(today.isoString.prefix(7))),1,0\r\n"))
        }
    }

    @Test(arguments: TestDatabase.engines)
    func aListDownloadsAsTheCSVOfWhatItShows(engine: DatabaseEngine) async throws {
        try await TestApplication.run(engine) { app in
            let order = exampleOrder.setting(
                "member", ["external_id": "u-43", "phone": "13800138001", "name": "=HYPERLINK(\"x\")"])
            #expect(try await app.request(.post, "/v1/orders", json: order).status == .created)
            let member = try #require(try await app.store.member(externalID: "u-43"))
            let adjust = try await app.request(
                .post, "/v1/members/\(member.id)/points/adjustments",
                json: ["points": -5, "reason": "goodwill, \"sorry\""], idempotencyKey: "adj-1")
            #expect(adjust.status == .created, "\(adjust.text)")
            var agent = try await Self.signedInBrowser(app, "ag@example.cn", role: "agent")

            let search = try await agent.get("/members?q=u-43")
            #expect(search.text.contains("<a href=\"/members?q=u-43&amp;download=members\" download>"))
            let found = try await agent.get("/members?q=u-43&download=members")
            #expect(found.status == .ok && found.headers[.contentType] == "text/csv; charset=utf-8")
            #expect(found.headers[.contentDisposition] == "attachment; filename=\"members.csv\"")
            let lines = found.text.split(separator: "\r\n", omittingEmptySubsequences: false)
            #expect(lines.first == "\u{FEFF}Name,Phone,Email,External id,Joined")
            // A name a spreadsheet would run as a formula is written as text, and so is a phone number's leading
            // "+"; the date is ISO.
            let joined = try await app.store.program().program.utcOffset.date(of: member.joinedAt)
            #expect(
                lines.dropFirst().first
                    == "\"'=HYPERLINK(\"\"x\"\")\",'+8613800138001,,u-43,\(joined.isoString)")

            // The journal: numbers plain and signed as numbers, the reason quoted, the header in the page's language.
            agent.acceptLanguage = "zh"
            let journal = try await agent.get("/members/\(member.id)?download=journal")
            let rows = journal.text.split(separator: "\r\n")
            #expect(rows.first?.hasSuffix("积分,变动后余额") == true, "\(rows)")
            #expect(rows.dropFirst().first?.hasSuffix(",\"goodwill, \"\"sorry\"\"\",-5,59") == true, "\(rows)")
            // An unknown table is the page itself.
            #expect(
                try await agent.get("/members/\(member.id)?download=nothing").headers[.contentType]?.hasPrefix(
                    "text/html") == true)
        }
    }

    /// The value of a hidden field on a page.
    static func field(_ name: String, in page: String) -> String? {
        guard let start = page.range(of: "name=\"\(name)\" value=\"") else { return nil }
        return String(page[start.upperBound...].prefix { $0 != "\"" })
    }

    @Test func everyMessageReadsInBothLanguagesWithTheSamePlaceholders() {
        func placeholders(_ text: String) -> Set<String> {
            Set(text.matches(of: /\{([a-z]+)\}/).map { String($0.output.1) })
        }
        for message in Message.allCases {
            let english = Messages.text(message, in: .en)
            let chinese = Messages.text(message, in: .zh)
            #expect(!english.isEmpty && !chinese.isEmpty, "\(message)")
            #expect(english != chinese, "\(message) is not translated")
            #expect(placeholders(english) == placeholders(chinese), "\(message)")
        }
    }

    static func tile(_ label: String, in page: String) -> String? {
        guard let start = page.range(of: "<h2>\(label)</h2><p class=\"value\">") else { return nil }
        return String(page[start.upperBound...].prefix { $0 != "<" })
    }

    static func tileChange(_ label: String, in page: String) -> String? {
        guard let start = page.range(of: "<h2>\(label)</h2>") else { return nil }
        let rest = page[start.upperBound...]
        guard let change = rest.range(of: "<p class=\"change\">") else { return nil }
        return String(rest[change.upperBound...].prefix { $0 != "\n" })
    }
}
