import Foundation
import Hummingbird
import HummingbirdTesting
import PatronCore
import PatronStore
import PatronTestSupport
import Testing

@testable import PatronServer

/// The member page's privacy card: consents in force for whoever reads members; a copy and erasure for those
/// with `privacy:manage`, erasure only once the member's id is typed.
@Suite struct DashboardPrivacyTests {
    typealias Form = DashboardMemberActionTests

    @Test(arguments: TestDatabase.engines)
    func anAdministratorDownloadsACopyAndErasesAMemberAfterTypingTheirID(engine: DatabaseEngine) async throws {
        try await TestApplication.run(engine) { app in
            let memberID = try await app.newMember(
                "u-9",
                extra: [
                    "name": "韩梅梅", "email": "meimei@example.cn",
                    "consents": [["purpose": "marketing", "channel": "wechat", "state": "granted", "source": "app"]],
                ])
            let agent = try await DashboardPageTests.signedInBrowser(app, "ag@example.cn", role: "agent")
            let seen = try await agent.get("/members/\(memberID)")
            #expect(seen.text.contains("<h2>Privacy</h2>") && seen.text.contains("<td>WeChat</td><td>Granted</td>"))
            #expect(!seen.text.contains("/erasure\""), "an agent is not offered erasure")
            #expect(
                try await agent.post("/members/\(memberID)/erasure", form: ["confirm": memberID]).status == .forbidden)

            let admin = try await DashboardPageTests.signedInBrowserWithSecondFactor(
                app, "ad@example.cn", role: "admin")
            let page = try await admin.get("/members/\(memberID)")
            let copy = try await admin.post(
                "/members/\(memberID)/export", form: try Form.form("/members/\(memberID)/export", in: page))
            #expect(copy.status == .ok && copy.headers[.contentType] == "application/zip")
            #expect(Array(copy.body.readableBytesView).starts(with: [0x50, 0x4b, 0x03, 0x04]))

            var fields = try Form.form("/members/\(memberID)/erasure", in: page)
            fields["confirm"] = "mem_someone_else"
            let refused = try await admin.post("/members/\(memberID)/erasure", form: fields)
            #expect(refused.status == .unprocessableContent)
            #expect(
                refused.text.contains("The id typed is not this member&#39;s; nothing was erased.")
                    || refused.text.contains("The id typed is not this member's; nothing was erased."))
            #expect(try await app.store.member(id: memberID)?.status == .active)

            fields["confirm"] = memberID
            let erased = try await admin.post("/members/\(memberID)/erasure", form: fields)
            #expect(erased.status == .seeOther, "\(erased.text)")
            #expect(erased.headers[.location] == "/members/\(memberID)?done=erased")
            let after = try await admin.get("/members/\(memberID)?done=erased")
            #expect(after.text.contains("Member erased.") && after.text.contains("Erased at the member"))
            #expect(!after.text.contains("韩梅梅") && !after.text.contains("meimei@example.cn"))
            #expect(
                !after.text.contains("/erasure\"") && !after.text.contains("/points\""), "no actions on a tombstone")
            #expect(after.text.contains("No consent recorded"))
            let audit = try await app.request(.get, "/v1/audit?action=eraseMember").json["data"]?.array ?? []
            #expect(audit.count == 1)

            let chinese = try await admin.get("/members/\(memberID)?lang=zh")
            #expect(chinese.status == .ok)
        }
    }
}
