import Foundation
import Hummingbird
import HummingbirdTesting
import PatronCore
import PatronStore
import PatronTestSupport
import Testing

@testable import PatronServer

/// What a service agent does on a member's page: points added or taken with a reason, a reward given free, each
/// once however often the form is sent, within the role's limit; and what the page tells of the member's value.
@Suite struct DashboardMemberActionTests {
    typealias Browser = DashboardPageTests.Browser

    /// The form's fields as the page wrote them, ready to post.
    static func form(_ action: String, in page: TestResponse) throws -> [String: String] {
        let text = page.text
        let start = try #require(text.range(of: "<form method=\"post\" action=\"\(action)\">"), "\(action)")
        let form = text[start.upperBound...]
        let end = try #require(form.range(of: "</form>"))
        var fields: [String: String] = [:]
        for hidden in form[..<end.lowerBound].matches(of: /type="hidden" name="([a-z_]+)" value="([^"]*)"/) {
            fields[String(hidden.output.1)] = String(hidden.output.2)
        }
        return fields
    }

    static func balance(_ app: TestApplication, _ memberID: String) async throws -> Int64 {
        try #require(try await app.store.pointsSummary(memberID: memberID, at: app.store.clock.now)?.balance.available)
    }

    @Test(arguments: TestDatabase.engines)
    func anAgentAdjustsPointsOnceWithinTheRolesLimit(engine: DatabaseEngine) async throws {
        try await TestApplication.run(engine) { app in
            let memberID = try await app.memberWithPoints("u-7", totalMinor: 6400)
            let agent = try await DashboardPageTests.signedInBrowser(app, "ag@example.cn", role: "agent")
            let page = try await agent.get("/members/\(memberID)")
            #expect(page.text.contains("<h2>Adjust points</h2>"))
            #expect(page.text.contains("Your role may add or remove at most 500 points at a time."))
            let path = "/members/\(memberID)/points"
            var fields = try Self.form(path, in: page)
            #expect(fields["request_id"]?.count == 22)

            fields["points"] = "200"
            fields["reason"] = "coffee was cold"
            let added = try await agent.post(path, form: fields)
            #expect(added.status == .seeOther, "\(added.text)")
            #expect(added.headers[.location] == "/members/\(memberID)?done=adjusted")
            // Sent again (a reload, a double click): done once.
            #expect(try await agent.post(path, form: fields).status == .seeOther)
            #expect(try await Self.balance(app, memberID) == 64 + 200)
            let after = try await agent.get("/members/\(memberID)?done=adjusted")
            #expect(after.text.contains("<p class=\"notice\" role=\"status\">The points were adjusted.</p>"))
            #expect(after.text.contains("<td>coffee was cold</td><td class=\"number\">+200</td>"))

            // Refusals keep what was typed and change nothing.
            var fresh = try Self.form(path, in: after)
            fresh["points"] = "-600"
            fresh["reason"] = "mistake"
            let over = try await agent.post(path, form: fresh)
            #expect(over.status == .unprocessableContent)
            #expect(over.text.contains("Your role may add or remove at most 500 points at a time.</li>"))
            #expect(over.text.contains("value=\"-600\"") && over.text.contains("value=\"mistake\""))
            fresh["points"] = "-300"
            let short = try await agent.post(path, form: fresh)
            #expect(short.status == .unprocessableContent)
            #expect(short.text.contains("The member has only 264 points available to remove."))
            fresh["points"] = "0"
            #expect(try await agent.post(path, form: fresh).text.contains("Enter a whole number of points"))
            fresh["points"] = "10"
            fresh["reason"] = "  "
            #expect(try await agent.post(path, form: fresh).text.contains("Give a reason"))
            // The same form id with other values is not a replay: it is refused.
            fields["points"] = "300"
            #expect(try await agent.post(path, form: fields).text.contains("already sent with other values"))
            #expect(try await Self.balance(app, memberID) == 264)

            // Till staff read members but may not adjust: no form, and a forged post is refused.
            let till = try await DashboardPageTests.signedInBrowser(app, "till@example.cn", role: "store")
            let tillPage = try await till.get("/members/\(memberID)")
            #expect(tillPage.status == .ok && !tillPage.text.contains("Adjust points"))
            let forged = try await till.post(
                path,
                form: [
                    "csrf_token": try Browser.csrfToken(in: tillPage), "points": "100", "reason": "x",
                    "request_id": "abc",
                ])
            #expect(forged.status == .forbidden)
            #expect(try await Self.balance(app, memberID) == 264)

            let audit = try await app.store.auditEntries(AuditQuery(objectID: memberID, action: "adjustPoints"))
            #expect(audit.items.count == 1)
        }
    }

    @Test(arguments: TestDatabase.engines)
    func anAgentGivesARewardOnceAndOnlyOneWithinTheLimit(engine: DatabaseEngine) async throws {
        try await TestApplication.run(engine) { app in
            let memberID = try await app.memberWithPoints("u-8", totalMinor: 1000)
            let small = coffeeCoupon.setting("stock", 1)
            let large = coffeeCoupon.setting("reward_id", "CAKE").setting("cost_points", 800)
                .setting("name", ["zh": "蛋糕", "en": "Cake"])
            let tea = coffeeCoupon.setting("reward_id", "TEA").setting("name", ["zh": "茶", "en": "Tea"])
            for reward in [small, large, tea] {
                #expect(try await app.request(.post, "/v1/rewards", json: reward).status == .created)
            }
            let agent = try await DashboardPageTests.signedInBrowser(app, "ag@example.cn", role: "agent")
            let page = try await agent.get("/members/\(memberID)")
            // Only what the role may give is offered; the member's 10 points do not matter for a gift.
            #expect(page.text.contains("<option value=\"COFFEE-5\">¥5 coffee coupon</option>"))
            #expect(!page.text.contains("<option value=\"CAKE\">"))
            #expect(page.text.contains("No rewards yet."))
            let path = "/members/\(memberID)/gifts"
            var fields = try Self.form(path, in: page)
            fields["reward_id"] = "COFFEE-5"
            let given = try await agent.post(path, form: fields)
            #expect(given.status == .seeOther && given.headers[.location] == "/members/\(memberID)?done=given")
            #expect(try await agent.post(path, form: fields).status == .seeOther)
            // The same form sent again with another reward gives nothing and says so.
            var other = fields
            other["reward_id"] = "TEA"
            let reused = try await agent.post(path, form: other)
            #expect(reused.status == .unprocessableContent)
            #expect(reused.text.contains("This form was already sent with other values."))
            let coupons = try await app.store.redemptions(memberID: memberID, after: nil, limit: 10).items
            #expect(coupons.map(\.rewardID) == ["COFFEE-5"])
            #expect(coupons.first?.source == .goodwill && coupons.first?.points == 0)
            #expect(try await Self.balance(app, memberID) == 10)

            let after = try await agent.get("/members/\(memberID)?done=given")
            #expect(after.text.contains("<td>Not used yet</td><td>Goodwill from staff</td>"))
            // A new form (the points form's token and id) is refused for each reason; COFFEE-5's one unit is given.
            var again = try Self.form("/members/\(memberID)/points", in: after)
            again["reward_id"] = "COFFEE-5"
            #expect(try await agent.post(path, form: again).text.contains("This reward is out of stock."))
            again["reward_id"] = "CAKE"
            #expect(try await agent.post(path, form: again).text.contains("worth at most 500 points"))
            again["reward_id"] = "NONE"
            #expect(try await agent.post(path, form: again).text.contains("Choose a reward from the list."))
            #expect(try await app.store.redemptions(memberID: memberID, after: nil, limit: 10).items.count == 1)

            let audit = try await app.store.auditEntries(AuditQuery(objectID: memberID, action: "giveReward"))
            #expect(audit.items.map(\.entry.event.actorKind) == [.staff])
        }
    }

    @Test(arguments: TestDatabase.engines)
    func aClerkCorrectsAProfileWithTheAPIsChecks(engine: DatabaseEngine) async throws {
        try await TestApplication.run(engine) { app in
            let memberID = try await app.memberWithPoints("u-10")
            let other = try await app.request(
                .post, "/v1/members", json: ["external_id": "u-11", "phone": "13900000001"])
            #expect(other.status == .created)
            let role = try await app.request(
                .post, "/v1/roles", json: ["name": "clerk", "permissions": ["members:read", "members:write"]])
            #expect(role.status == .created, "\(role.text)")
            let clerk = try await DashboardPageTests.signedInBrowser(app, "clerk@example.cn", role: "clerk")
            let page = try await clerk.get("/members/\(memberID)")
            #expect(page.text.contains("<h2>Edit the profile</h2>") && !page.text.contains("Adjust points"))
            let path = "/members/\(memberID)/profile"
            var fields = try Self.form(path, in: page)
            fields.merge(["name": "韩梅梅", "email": "", "phone": "138 0013 8002", "birthday": "1990-05-20"]) { $1 }
            let saved = try await clerk.post(path, form: fields)
            #expect(saved.status == .seeOther && saved.headers[.location] == "/members/\(memberID)?done=edited")
            // Sent again: the same profile.
            #expect(try await clerk.post(path, form: fields).status == .seeOther)
            let member = try #require(try await app.store.member(id: memberID))
            #expect(member.name == "韩梅梅" && member.phone == "+8613800138002")
            #expect(member.birthday == CalendarDate(year: 1990, month: 5, day: 20))
            #expect(try await clerk.get("/members/\(memberID)?done=edited").text.contains("The profile was saved."))

            fields["email"] = "not an email"
            fields["phone"] = "13900000001"
            let refused = try await clerk.post(path, form: fields)
            #expect(refused.status == .unprocessableContent)
            #expect(refused.text.contains("<li>Email: must be an email address</li>"))
            #expect(refused.text.contains("value=\"not an email\""))
            fields["email"] = ""
            let taken = try await clerk.post(path, form: fields)
            #expect(taken.text.contains("<li>Phone: already belongs to member"), "\(taken.text)")
            #expect(try await app.store.member(id: memberID)?.phone == "+8613800138002")

            // Agents may not change profiles.
            let agent = try await DashboardPageTests.signedInBrowser(app, "ag@example.cn", role: "agent")
            let agentPage = try await agent.get("/members/\(memberID)")
            #expect(!agentPage.text.contains("Edit the profile"))
            #expect(
                try await agent.post(path, form: ["csrf_token": try Browser.csrfToken(in: agentPage), "name": "x"])
                    .status == .forbidden)
            let audit = try await app.store.auditEntries(AuditQuery(objectID: memberID, action: "updateMember"))
            #expect(audit.items.count == 2)
        }
    }

    @Test(arguments: TestDatabase.engines)
    func theMemberPageTellsTheirStandingAndReferrals(engine: DatabaseEngine) async throws {
        try await TestApplication.run(engine) { app in
            let memberID = try await app.memberWithPoints("u-9")
            let code = try await app.request(.post, "/v1/members/\(memberID)/referral", json: [:])
            #expect(code.status == .ok || code.status == .created, "\(code.text)")
            let agent = try await DashboardPageTests.signedInBrowser(app, "ag@example.cn", role: "agent")
            let text = try await agent.get("/members/\(memberID)").text
            #expect(text.contains("<dt>Referral code</dt><dd>\(try #require(code.json["code"]?.string))</dd>"))
            #expect(text.contains("<dt>Friends joined</dt><dd>0</dd>"))
            // One order, on 1 Nov: a new customer; nothing predicted before the first model fit.
            #expect(text.contains("<dt>Lifecycle stage</dt><dd>"))
            #expect(text.contains("<dt>Chance still active</dt><dd>Predicted after the first model fit</dd>"))
            // Ranked among the base once the day's analytics snapshot is made, as the API ranks them.
            #expect(text.contains("<dt>RFM segment</dt><dd>Not ranked yet"))
            for (index, total) in [12_800, 25_600, 51_200, 3_200, 9_600].enumerated() {
                _ = try await app.memberWithPoints("rank-\(index)", totalMinor: Int64(total))
            }
            let today = try await app.store.today()
            try await app.store.refreshAnalyticsSnapshot(asOf: today)
            let insights = try await app.store.memberInsights(
                memberID: memberID, asOf: today, settings: PredictionSettings())
            let segment = try #require(insights.standing?.segment)
            let ranked = try await agent.get("/members/\(memberID)").text
            #expect(ranked.contains("RFM segment (as of "))
            #expect(ranked.contains("<dd>\(Messages.text(AnalyticsPage.message(segment), in: .en))</dd>"), "\(segment)")
            let chinese = try await Browser(app: agent.app, cookies: agent.cookies, acceptLanguage: "zh").get(
                "/members/\(memberID)")
            #expect(chinese.text.contains("<dt>推荐码</dt>") && chinese.text.contains("<h2>调整积分</h2>"))
        }
    }
}
