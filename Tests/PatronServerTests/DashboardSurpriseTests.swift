import Foundation
import Hummingbird
import HummingbirdTesting
import PatronCore
import PatronStore
import PatronTestSupport
import Testing

@testable import PatronServer

/// A marketer's surprise campaign from the program page: previewed (nothing given), then given once however often
/// the form is sent, listed with what it gave and what was used; refused in the page's words when it cannot run.
@Suite struct DashboardSurpriseTests {
    @Test(arguments: TestDatabase.engines)
    func aSurpriseIsPreviewedThenGivenOnce(engine: DatabaseEngine) async throws {
        try await TestApplication.run(engine) { app in
            for index in 0..<3 { _ = try await app.memberWithPoints("s-\(index)") }
            #expect(try await app.request(.post, "/v1/rewards", json: coffeeCoupon).status == .created)
            let mei = try await DashboardPageTests.signedInBrowser(app, "mei@example.cn", role: "marketer")
            let page = try await mei.get("/program")
            #expect(page.text.contains("No surprise campaign has been run yet."))
            let campaignID = try #require(DashboardPageTests.field("campaign_id", in: page.text))
            var form = [
                "csrf_token": try DashboardPageTests.Browser.csrfToken(in: page), "campaign_id": campaignID,
                "seed": try #require(DashboardPageTests.field("seed", in: page.text)),
                "count": "2", "reward_id": "COFFEE-5", "reason": "thank you", "step": "preview",
            ]

            let preview = try await mei.post("/program/surprises", form: form)
            #expect(preview.status == .ok, "\(preview.text)")
            #expect(preview.text.contains("3 members match; 2 will be chosen at random and given the gift."))
            #expect(preview.text.contains("name=\"step\" value=\"give\""))
            #expect(try await app.store.surpriseCampaigns(limit: 5).isEmpty)

            form["step"] = "give"
            for _ in 0..<2 {
                let given = try await mei.post("/program/surprises", form: form)
                #expect(given.status == .seeOther, "\(given.text)")
                #expect(given.headers[.location] == "/program?surprised=\(campaignID)#surprises")
            }
            let runs = try await app.store.surpriseCampaigns(limit: 5)
            #expect(runs.count == 1 && runs.first?.given == 2 && runs.first?.eligible == 3)
            #expect(runs.first?.actor != nil)
            let listed = try await mei.get("/program?surprised=\(campaignID)").text
            #expect(listed.contains("Campaign \(campaignID) gave 2 members their surprise."))
            #expect(
                listed.contains(
                    "<td>All active members</td><td>¥5 coffee coupon</td><td class=\"number\">3</td>"
                        + "<td class=\"number\">2</td><td class=\"number\">0</td>"), "\(listed)")
            let audit = try await app.store.auditEntries(AuditQuery(objectID: campaignID, action: "surpriseCampaign"))
            #expect(audit.items.count == 1)

            // The same campaign id with another gift is a different request: refused, nothing more given.
            form["count"] = "3"
            let changed = try await mei.post("/program/surprises", form: form)
            #expect(changed.status == .unprocessableContent)
            #expect(changed.text.contains("This form was already sent with other values."))
            #expect(try await app.store.surpriseCampaigns(limit: 5).first?.given == 2)

            // What cannot run is said in the page's language, with what was typed kept.
            var wrong = form
            wrong["campaign_id"] = "surprise-other"
            wrong["count"] = "0"
            wrong["reward_id"] = ""
            wrong["step"] = "preview"
            let refused = try await mei.post("/program/surprises", form: wrong)
            #expect(refused.status == .unprocessableContent)
            #expect(refused.text.contains("How many members must be a whole number from 1 to 100,000."))
            #expect(refused.text.contains("Choose a reward or enter points to give, or both."))
            #expect(refused.text.contains("value=\"thank you\""))
            // Numbers that do not read are refused by the same rule as numbers out of range.
            wrong["count"] = "two"
            wrong["points"] = "lots"
            let unreadable = try await mei.post("/program/surprises", form: wrong)
            #expect(unreadable.text.contains("How many members must be a whole number from 1 to 100,000."))
            #expect(unreadable.text.contains("Points to give must be a whole number greater than zero."))

            // People without campaigns:write neither see the form nor may send it.
            let agent = try await DashboardPageTests.signedInBrowser(app, "ag@example.cn", role: "agent")
            let agentForm = try await agent.get("/members")
            #expect(
                try await agent.post(
                    "/program/surprises",
                    form: ["csrf_token": try DashboardPageTests.Browser.csrfToken(in: agentForm), "step": "give"]
                ).status == .forbidden)
        }
    }
}
