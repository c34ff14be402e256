import Foundation
import Hummingbird
import HummingbirdTesting
import PatronAnalytics
import PatronCore
import PatronStore
import PatronTestSupport
import Testing

/// Survey invitations as a brand's app sends them and a person answers them: a signed link to a page that asks
/// once, answers that become feedback, and what the links refuse.
@Suite struct SurveyAPITests {
    /// The path of an invitation's answer page.
    static func pagePath(_ invitation: JSONValue) throws -> String {
        let url = try #require(invitation["url"]?.string.flatMap(URL.init(string:)))
        return url.path
    }

    static func answerPage(_ app: TestApplication, _ path: String, form: String) async throws -> TestResponse {
        try await app.client.execute(
            uri: path, method: .post, headers: [.contentType: "application/x-www-form-urlencoded"],
            body: ByteBuffer(string: form))
    }

    static func page(_ app: TestApplication, _ path: String) async throws -> TestResponse {
        try await app.client.execute(uri: path, method: .get, headers: [:], body: nil)
    }

    @Test(arguments: TestDatabase.engines)
    func aLinkAsksOnceInTheMembersLanguageAndTheAnswerBecomesFeedback(engine: DatabaseEngine) async throws {
        try await TestApplication.run(engine) { app in
            let wang = try await app.newMember("wang")
            let request: JSONValue = [
                "member_id": .string(wang), "kind": "nps", "store_id": "SH-01", "channel": "email",
                "language": "en",
            ]
            let invited = try await app.request(
                .post, "/v1/surveys/invitations", json: request, idempotencyKey: "nps-1")
            #expect(invited.status == .created, "\(invited.text)")
            #expect(invited.json["reason"] == "request" && invited.json["answered_at"] == .null)
            let replay = try await app.request(
                .post, "/v1/surveys/invitations", json: request, idempotencyKey: "nps-1")
            #expect(replay.status == .ok && replay.json == invited.json)
            let path = try Self.pagePath(invited.json)

            // The page asks in English, on the 0–10 scale, without a script.
            let shown = try await Self.page(app, path)
            #expect(shown.status == .ok)
            #expect(shown.text.contains("How likely are you to recommend us"), "\(shown.text)")
            #expect(shown.text.components(separatedBy: "type=\"radio\"").count - 1 == 11)
            #expect(!shown.text.contains("<script"))

            // No value chosen: asked again, nothing recorded.
            let empty = try await Self.answerPage(app, path, form: "comment=")
            #expect(empty.status == .unprocessableContent && empty.text.contains("Please choose a value."))
            #expect(try await app.rowCount("feedback") == 0)

            let answered = try await Self.answerPage(app, path, form: "value=3&comment=Queue+too+long+at+the+till")
            #expect(answered.status == .ok && answered.text.contains("Your answer has been recorded"))
            let invitationID = try #require(invited.json["invitation_id"]?.string)
            let stored = try await app.request(.get, "/v1/surveys/invitations/\(invitationID)").json
            #expect(stored["answer_value"] == 3 && stored["answered_at"] != .null)
            let feedbackID = try #require(stored["feedback_id"]?.string)
            let feedback = try await app.request(.get, "/v1/feedback/\(feedbackID)").json
            #expect(feedback["channel"] == "survey" && feedback["score"] == 3 && feedback["rating"] == .null)
            #expect(feedback["text"] == "Queue too long at the till" && feedback["store_id"] == "SH-01")
            #expect(feedback["severity"] == "high" && feedback["ticket_id"] != .null, "a detractor needs a person")

            // Once: the page says so, the API takes the same answer again as a replay and refuses another.
            let again = try await Self.answerPage(app, path, form: "value=10")
            #expect(again.status == .ok && again.text.contains("answered already"))
            #expect(try await Self.page(app, path).text.contains("answered already"))
            let same = try await app.request(
                .post, "/v1/surveys/invitations/\(invitationID)/answer",
                json: ["value": 3, "comment": "Queue too long at the till"])
            #expect(same.status == .ok, "\(same.text)")
            let other = try await app.request(
                .post, "/v1/surveys/invitations/\(invitationID)/answer", json: ["value": 9])
            #expect(other.status == .conflict && other.isProblem)
            #expect(try await app.rowCount("feedback") == 1)

            // A link whose signature or expiry was changed opens nothing.
            let token = String(path.dropFirst("/s/".count))
            let parts = token.split(separator: ".").map(String.init)
            let flipped = (parts[2].first == "0" ? "1" : "0") + parts[2].dropFirst()
            let forged = [
                "/s/\(parts[0]).\(parts[1]).\(flipped)", "/s/\(parts[0]).\(Int(parts[1])! + 86_400).\(parts[2])",
            ]
            for path in forged + ["/s/nothing"] {
                let refused = try await Self.page(app, path)
                #expect(refused.status == .notFound && refused.text.contains("链接无效"))
                #expect(try await Self.answerPage(app, path, form: "value=10").status == .notFound)
            }
        }
    }

    @Test(arguments: TestDatabase.engines)
    func expiredLinksErasedMembersAndOtherMembersAreRefused(engine: DatabaseEngine) async throws {
        try await TestApplication.run(engine) { app in
            let li = try await app.newMember("li")
            let zhao = try await app.newMember("zhao")
            // Made twenty days ago with a fourteen-day link.
            let past = app.store.with(WallClock { WallClock.system.milliseconds - 20 * 86_400_000 })
            let (old, _) = try await past.inviteToSurvey(
                SurveyInvitationBasis(memberID: li, kind: .csat, language: "zh"), channel: "sms",
                lifetimeDays: 14, actor: "test", idempotencyKey: "old")
            let expiredPage = try await Self.page(app, "/s/\(old.token)")
            #expect(expiredPage.status == .gone && expiredPage.text.contains("已过期"), "\(expiredPage.text)")
            #expect(try await Self.answerPage(app, "/s/\(old.token)", form: "value=5").status == .gone)
            let late = try await app.request(
                .post, "/v1/surveys/invitations/\(old.invitationID)/answer", json: ["value": 5])
            #expect(late.status == .gone && late.isProblem)

            // A member's own token answers its own invitation, and only that.
            let fresh = try await app.request(
                .post, "/v1/surveys/invitations", json: ["member_id": .string(li), "kind": "ces"],
                idempotencyKey: "ces-li")
            let freshID = try #require(fresh.json["invitation_id"]?.string)
            let zhaoToken = try await MemberAccessAPITests.token(app, for: zhao)
            let notTheirs = try await app.request(
                .post, "/v1/surveys/invitations/\(freshID)/answer", json: ["value": 6], key: zhaoToken)
            #expect(notTheirs.status == .notFound)
            let liToken = try await MemberAccessAPITests.token(app, for: li)
            let own = try await app.request(
                .post, "/v1/surveys/invitations/\(freshID)/answer", json: ["value": 6], key: liToken)
            #expect(own.status == .created && own.json["answer_value"] == 6, "\(own.text)")

            // After erasure nothing more is taken from the member.
            let pending = try await app.request(
                .post, "/v1/surveys/invitations", json: ["member_id": .string(zhao), "kind": "nps"],
                idempotencyKey: "nps-zhao")
            #expect(try await app.request(.post, "/v1/members/\(zhao)/erasure").status == .created)
            let pendingID = try #require(pending.json["invitation_id"]?.string)
            let afterErasure = try await app.request(
                .post, "/v1/surveys/invitations/\(pendingID)/answer", json: ["value": 8])
            #expect(afterErasure.status == .gone)
            #expect(try await Self.answerPage(app, try Self.pagePath(pending.json), form: "value=8").status == .gone)
            let again = try await app.request(
                .post, "/v1/surveys/invitations", json: ["member_id": .string(zhao), "kind": "nps"],
                idempotencyKey: "nps-zhao-2")
            #expect(again.status == .gone)
        }
    }

    @Test(arguments: TestDatabase.engines)
    func badInvitationsAndAnswersAreRefusedAtTheirPointers(engine: DatabaseEngine) async throws {
        try await TestApplication.run(engine) { app in
            let wang = try await app.newMember("wang")
            let bad = try await app.request(
                .post, "/v1/surveys/invitations",
                json: ["member_id": "mem_NOBODY", "kind": "stars", "language": "fr", "expires_in_days": 0],
                idempotencyKey: "bad")
            #expect(bad.status == .unprocessableContent)
            #expect(bad.errorPointers == ["/kind", "/language", "/expires_in_days"], "\(bad.text)")
            let nobody = try await app.request(
                .post, "/v1/surveys/invitations", json: ["member_id": "mem_NOBODY", "kind": "nps"],
                idempotencyKey: "nobody")
            #expect(nobody.status == .unprocessableContent && nobody.errorPointers == ["/member_id"])
            let csat = try await app.request(
                .post, "/v1/surveys/invitations", json: ["member_id": .string(wang), "kind": "csat"],
                idempotencyKey: "csat")
            let id = try #require(csat.json["invitation_id"]?.string)
            for value in [0, 6] {
                let off = try await app.request(
                    .post, "/v1/surveys/invitations/\(id)/answer", json: ["value": .number(Double(value))])
                #expect(off.status == .unprocessableContent && off.errorPointers == ["/value"], "\(off.text)")
            }
            let offPage = try await Self.answerPage(app, try Self.pagePath(csat.json), form: "value=6")
            #expect(offPage.status == .unprocessableContent)
            #expect(
                try await app.request(.post, "/v1/surveys/invitations/inv_NONE/answer", json: ["value": 3]).status
                    == .notFound)
            #expect(try await app.rowCount("feedback") == 0)
            // Without feedback:write nothing is told, not even whether an invitation exists.
            let (_, reader) = try await app.store.createAPIKey(name: "reports", scopes: [.reportsRead])
            for id in [id, "inv_NONE"] {
                let refused = try await app.request(
                    .post, "/v1/surveys/invitations/\(id)/answer", json: ["value": 3], key: reader)
                #expect(refused.status == .forbidden)
            }
            let report = try await app.request(
                .get, "/v1/surveys/report?kind=nps&from=2026-02-01&to=2026-01-01&by=shop")
            #expect(report.errorPointers == ["?to", "?by"], "\(report.text)")
        }
    }

    @Test(arguments: TestDatabase.engines)
    func aResolvedTicketInvitesItsMemberToSayHowTheServiceWasOnce(engine: DatabaseEngine) async throws {
        try await TestApplication.run(engine) { app in
            let chen = try await app.newMember("chen")
            let complaint = try await app.request(
                .post, "/v1/feedback",
                json: [
                    "feedback_id": "F-1", "channel": "app", "member_id": .string(chen), "store_id": "BJ-02",
                    "rating": 1,
                ])
            let ticketID = try #require(complaint.json["ticket_id"]?.string)
            func move(_ state: String) async throws {
                let moved = try await app.request(
                    .post, "/v1/tickets/\(ticketID)/state", json: ["state": .string(state)])
                #expect(moved.status == .ok, "\(moved.text)")
            }
            #expect(try await app.rowCount("survey_invitations") == 0)
            try await move("resolved")
            try await move("open")
            try await move("resolved")
            let invitations =
                try await app.request(.get, "/v1/surveys/invitations?member_id=\(chen)").json["data"]?.array ?? []
            #expect(invitations.count == 1)
            let invitation = try #require(invitations.first)
            #expect(invitation["kind"] == "csat" && invitation["reason"] == "ticket")
            #expect(invitation["ticket_id"]?.string == ticketID && invitation["store_id"] == "BJ-02")
            let page = try await Self.page(app, try Self.pagePath(invitation))
            #expect(page.text.contains("我们对您问题的处理"), "the question is about the service")
        }
    }

    @Test(arguments: TestDatabase.engines)
    func theReportGivesNPSWithItsIntervalAndTheResponseRateByChannel(engine: DatabaseEngine) async throws {
        try await TestApplication.run(engine) { app in
            // Ten invited by email, eight answer; two invited by sms, none answers.
            let answers: [Int?] = [10, 10, 9, 9, 8, 7, 6, 0, nil, nil]
            for (index, value) in answers.enumerated() {
                let member = try await app.newMember("m\(index)")
                let invited = try await app.request(
                    .post, "/v1/surveys/invitations",
                    json: ["member_id": .string(member), "kind": "nps", "channel": "email"],
                    idempotencyKey: "n\(index)")
                guard let value else { continue }
                let id = try #require(invited.json["invitation_id"]?.string)
                let answer = try await app.request(
                    .post, "/v1/surveys/invitations/\(id)/answer", json: ["value": .number(Double(value))])
                #expect(answer.status == .created)
            }
            for index in 0..<2 {
                let member = try await app.newMember("s\(index)")
                try await app.request(
                    .post, "/v1/surveys/invitations",
                    json: ["member_id": .string(member), "kind": "nps", "channel": "sms"],
                    idempotencyKey: "s\(index)")
            }
            let today = UTCOffset.shanghai.date(of: WallClock.system.now)
            let period = "from=\(today.addingDays(-1).isoString)&to=\(today.addingDays(1).isoString)"
            let report = try await app.request(.get, "/v1/surveys/report?kind=nps&\(period)&by=channel")
            #expect(report.status == .ok, "\(report.text)")
            let groups = report.json["groups"]?.array ?? []
            #expect(groups.map { $0["group"] } == ["email", "sms"])
            let email = try #require(groups.first)
            // Promoters 4/8, detractors 2/8: NPS 25; variance 0.5 + 0.25 − 0.25² = 0.6875, so ± 1.96·√(0.6875/8).
            #expect(email["invited"] == 10 && email["answered"] == 8 && email["response_rate"] == 0.8)
            #expect(email["score"] == 25 && email["favourable_share"] == 0.5 && email["unfavourable_share"] == 0.25)
            let low = try #require(email["interval"]?["low"]?.number)
            let high = try #require(email["interval"]?["high"]?.number)
            #expect(abs(low - -32.46) < 0.01 && abs(high - 82.46) < 0.01, "\(low) … \(high)")
            #expect(email["counts"]?.array.first == ["value": 0, "answers": 1])
            let sms = try #require(groups.last)
            #expect(sms["response_rate"] == 0 && sms["score"] == .null && sms["interval"] == .null)
            let everyone = try await app.request(.get, "/v1/surveys/report?kind=nps&\(period)").json
            #expect(everyone["groups"]?.array.first?["invited"] == 12)
            #expect(everyone["groups"]?.array.first?["group"] == .null)

            // By RFM segment: the two who bought have one, the twelve who did not have none.
            for buyer in ["b1", "b2"] {
                let member = try await app.memberWithPoints(buyer)
                try await app.request(
                    .post, "/v1/surveys/invitations", json: ["member_id": .string(member), "kind": "nps"],
                    idempotencyKey: buyer)
            }
            let bySegment = try await app.request(.get, "/v1/surveys/report?kind=nps&\(period)&by=segment").json
            let segments = bySegment["groups"]?.array ?? []
            #expect(segments.first { $0["group"] == .null }?["invited"] == 12)
            let named = segments.filter { $0["group"] != .null }
            #expect(named.compactMap { $0["invited"]?.integer }.reduce(0, +) == 2)
            #expect(named.allSatisfy { RFMSegment(rawValue: $0["group"]?.string ?? "") != nil }, "\(named)")
        }
    }
}
