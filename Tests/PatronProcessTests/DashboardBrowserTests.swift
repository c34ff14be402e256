import AsyncHTTPClient
import Foundation
import NIOHTTP1
import PatronCore
import PatronStore
import PatronTestSupport
import Testing

/// The dashboard in a real Chromium: an owner sets up their account on the set-up page and signs in with their
/// authenticator's code, reads the overview, picks another period, switches to Chinese, finds a member and opens
/// the member's page, edits an earning rule; an analyst is refused the members. Every page passes axe-core's rules (when
/// `PATRON_AXE_SCRIPT` names axe.min.js) and every screenshot shows a page. With `PATRON_SCREENSHOTS` naming a
/// directory, the screenshots are kept there (docs/dashboard.md shows them).
@Suite(.serialized) struct DashboardBrowserTests {
    static let password = "jade teapot on the windowsill"

    @Test func anOwnerAndAnAnalystUseTheDashboard() async throws {
        guard WebDriver.isInstalled else {
            // CI installs Chromium, and there a missing browser fails the run instead of skipping it.
            #expect(ProcessInfo.processInfo.environment["PATRON_REQUIRE_BROWSER"] == nil, "Chromium is required")
            print("DashboardBrowserTests: skipped, Chromium and chromedriver are not installed")
            return
        }
        if ProcessInfo.processInfo.environment["PATRON_REQUIRE_BROWSER"] != nil {
            #expect(ProcessInfo.processInfo.environment["PATRON_AXE_SCRIPT"] != nil, "CI runs axe-core on every page")
        }
        try await TestDatabase.withURL(.sqlite) { url in
            let environment = ["PATRON_DATA_KEY": TestDatabase.makeDataKey()]
            let database = ["--database-url", url.argument]
            // A living café chain to look at, and one member the test knows.
            _ = try await ServerProcess.run(
                ["demo", "--members", "400", "--days", "120"] + database, environment: environment)
            let server = try await ServerProcess.start(
                databaseURL: url.argument, environment: environment, client: .shared)
            defer { Task { _ = try? await server.terminate() } }
            let key = try #require(
                try await ServerProcess.run(
                    ["keys", "create", "--name", "seed", "--scopes", "admin"] + database, environment: environment
                ).split(separator: "\n").last.map(String.init))
            try await Self.seedOrders(server, key: key)

            let browser = try await WebDriver.start(language: "en-US")
            do {
                try await Self.ownerSession(browser, server: server, database: database, environment: environment)
                try await Self.analystSession(browser, server: server, database: database, environment: environment)
            } catch {
                await browser.quit()
                throw error
            }
            await browser.quit()
            _ = try await server.terminate()
        }
    }

    /// Li Lei's orders: one three days ago, four in the three weeks before.
    static func seedOrders(_ server: ServerProcess, key: String) async throws {
        for (number, daysAgo) in [3, 10, 12, 15, 20].enumerated() {
            let occurred = Date(timeIntervalSinceNow: -Double(daysAgo) * 86_400)
            let order: [String: Any] = [
                "order_id": "B-\(number)", "occurred_at": ISO8601DateFormatter().string(from: occurred),
                "currency": "CNY", "channel": "store", "store_id": "SH-01",
                "member": ["external_id": "u-42", "phone": "13800138000", "name": "李雷"],
                "lines": [["sku": "LATTE-L", "quantity": 2, "unit_price_minor": 3_200]], "total_minor": 6_400,
            ]
            let (status, json) = try await server.send(.POST, "/v1/orders", body: order, key: key, client: .shared)
            #expect(status == 201, "\(json)")
        }
    }

    static func ownerSession(
        _ browser: WebDriver, server: ServerProcess, database: [String], environment: [String: String]
    ) async throws {
        let link = try await setupLink(
            email: "boss@example.cn", role: "owner", server: server, database: database, environment: environment)
        // The set-up page: the authenticator's key is on the page, the first code confirms it.
        try await browser.open(link)
        try await checkPage(browser, "setup")
        let secret = try #require(Base32.decode(try await browser.text(of: "code")))
        let step = OneTimeCodeWindow.step(at: WallClock.system.now)
        try await browser.type(password, into: "#password")
        try await browser.type(OneTimeCode(secret: secret).code(step: step), into: "#one_time_code")
        try await browser.click("button[type=submit]")
        #expect(try await browser.source.contains("Recovery codes"))

        // Any page sends a stranger to sign in, and back after it.
        try await browser.open(server.baseURL + "/members")
        #expect(try await browser.currentURL.hasPrefix(server.baseURL + "/sign-in?next="))
        try await checkPage(browser, "sign-in")
        try await browser.type("boss@example.cn", into: "#email")
        try await browser.type(password, into: "#password")
        try await browser.type(OneTimeCode(secret: secret).code(step: step + 1), into: "#code")
        try await browser.click("button[type=submit]")
        #expect(try await browser.arrives(at: server.baseURL + "/members"))

        try await browser.open(server.baseURL + "/")
        #expect(try await browser.text(of: "h1") == "Overview")
        try await checkPage(browser, "overview")
        let month = try await browser.text(of: "#tile-orders .value")
        // Another period: the last 7 days hold fewer orders than the last 30.
        try await browser.click(".presets li:first-child a")
        #expect(try await browser.text(of: ".presets a[aria-current=true]") == "Last 7 days")
        let week = try await browser.text(of: "#tile-orders .value")
        #expect(Self.count(week) > 0 && Self.count(week) < Self.count(month), "\(week) in 7 days, \(month) in 30")

        try await browser.click("a[hreflang=zh-CN]")
        #expect(try await browser.text(of: "h1") == "概览")
        #expect(try await browser.text(of: "#tile-orders h2") == "订单数")
        try await checkPage(browser, "overview-zh")

        try await browser.open(server.baseURL + "/members")
        try await browser.type("138 0013 8000", into: "#q")
        try await browser.click("form[role=search] button")
        try await checkPage(browser, "members-zh")
        try await browser.click("table a")
        #expect(try await browser.text(of: "h1") == "李雷")
        #expect(try await browser.source.contains("+8613800138000"))
        try await checkPage(browser, "member-zh")
        // Fifty points for a cold coffee, through the page's form.
        let memberPage = try await browser.currentURL
        try await browser.type("50", into: "#adjust-points")
        try await browser.type("咖啡凉了", into: "#adjust-reason")
        try await browser.click("form[action$='/points'] button")
        #expect(try await browser.arrives(at: memberPage + "?done=adjusted"))
        #expect(try await browser.text(of: ".notice") == "积分已调整。")
        #expect(try await browser.source.contains("<td>咖啡凉了</td><td class=\"number\">+50</td>"))

        try await browser.open(server.baseURL + "/analytics")
        #expect(try await browser.text(of: "h1") == "分析")
        // The demo fits the lifetime-value models, so the page shows how value is spread.
        #expect(try await browser.source.contains("<title id=\"value-deciles-title\">按客户十分位的终身价值</title>"))
        try await checkPage(browser, "analytics-zh")

        // Double points on every yuan: the rule is edited as the API's JSON and saved as a new program version.
        try await browser.open(server.baseURL + "/program")
        try await checkPage(browser, "program-zh")
        try await browser.click("a[href='/program/rules/base']")
        try await checkPage(browser, "rule-zh")
        try await browser.type(
            #"{"kind": "points_per_currency_unit", "points": 2, "per_minor": 100, "priority": 10}"#, into: "#rule")
        // Tried on an order first: the page answers what it earns now and with the draft, and keeps the draft.
        try await browser.click("button[formaction$='/try']")
        #expect(try await browser.source.contains("<h3>按本次草稿</h3>"))
        #expect(try await browser.source.contains(#""points": 2"#))
        try await browser.click("form.card button[type=submit]")
        #expect(try await browser.arrives(at: server.baseURL + "/program?saved=base"))
        #expect(try await browser.text(of: ".notice") == "规则 base 已保存。")

        try await browser.click(".account button")
        #expect(try await browser.arrives(at: server.baseURL + "/sign-in"))
    }

    static func analystSession(
        _ browser: WebDriver, server: ServerProcess, database: [String], environment: [String: String]
    ) async throws {
        let link = try await setupLink(
            email: "an@example.cn", role: "analyst", server: server, database: database, environment: environment)
        try await browser.open(link)
        try await browser.type(password, into: "#password")
        try await browser.click("button[type=submit]")
        #expect(try await browser.text(of: "h1") == "账户已就绪")
        try await browser.open(server.baseURL + "/sign-in")
        try await browser.type("an@example.cn", into: "#email")
        try await browser.type(password, into: "#password")
        try await browser.click("button[type=submit]")
        // Still in Chinese: the choice outlives the session.
        #expect(try await browser.text(of: "h1") == "概览")
        try await browser.open(server.baseURL + "/members")
        #expect(try await browser.text(of: "h1") == "无权访问")
        try await checkPage(browser, "forbidden-zh")
    }

    /// A tile's count: "1,234" → 1234.
    static func count(_ text: String) -> Int {
        Int(text.filter(\.isNumber)) ?? -1
    }

    static func setupLink(
        email: String, role: String, server: ServerProcess, database: [String], environment: [String: String]
    ) async throws -> String {
        let output = try await ServerProcess.run(
            ["users", "create", "--email", email, "--role", role, "--public-url", server.baseURL + "/"] + database,
            environment: environment)
        return try #require(output.split(separator: "\n").last.map(String.init))
    }

    /// The page is not blank and has no serious or critical accessibility finding.
    static func checkPage(_ browser: WebDriver, _ name: String) async throws {
        let shot = try await browser.screenshot()
        #expect(shot.starts(with: [0x89, 0x50, 0x4E, 0x47]), "a PNG")
        // Text, its smoothing, the tiles and the chart: a blank page has one colour.
        let colours = try await browser.colours(in: shot)
        #expect(colours > 16, "\(name): the screenshot has \(colours) colour(s)")
        if let directory = ProcessInfo.processInfo.environment["PATRON_SCREENSHOTS"] {
            try shot.write(to: URL(fileURLWithPath: directory).appendingPathComponent("\(name).png"))
        }
        guard let path = ProcessInfo.processInfo.environment["PATRON_AXE_SCRIPT"] else { return }
        let axe = try String(contentsOfFile: path, encoding: .utf8)
        let result = try await browser.executeAsync(
            axe + """
                ;const done = arguments[arguments.length - 1];
                axe.run(document).then(r => done(r.violations.filter(v => v.impact === 'serious' || v.impact === 'critical')
                  .map(v => v.id + ': ' + v.nodes.map(n => n.target.join(' ')).join(', '))),
                  e => done(['axe failed: ' + e]));
                """)
        let findings = result as? [String] ?? ["axe gave no answer"]
        #expect(findings.isEmpty, "\(name): \(findings)")
    }
}
