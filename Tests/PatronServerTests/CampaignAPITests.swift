import Foundation
import HTTPTypes
import HummingbirdTesting
import Logging
import PatronCore
import PatronServer
import PatronStore
import PatronTestSupport
import Testing

/// Campaigns end to end: a draft saved and changed, a dry run, a launch queued and sent through a real SMTP
/// server on loopback (each member of a variant once, nothing to the holdout), the results per arm, and the
/// answers for what cannot be done.
@Suite(.enabled(if: SMTPSink.isAvailable, Comment(rawValue: SMTPSink.unavailable)))
struct CampaignAPITests {
    static let members = 40

    static let campaign: JSONValue = [
        "name": "双十二", "segment_id": "subscribers",
        "variants": [["variant_id": "a", "template_id": "offer-a"], ["variant_id": "b", "template_id": "offer-b"]],
        "holdout_percent": 25,
    ]

    /// Templates, a segment of members with email consent, and `members` members (every fourth without
    /// consent).
    static func prepare(_ app: TestApplication) async throws -> [String] {
        try await MessageAPITests.allowAnyHour(app)
        for variant in ["a", "b"] {
            let template: JSONValue = [
                "name": .string("offer \(variant)"), "category": "marketing",
                "contents": [
                    ["channel": "email", "language": "zh", "subject": .string("优惠 \(variant)"), "text": "您好"]
                ],
            ]
            let saved = try await app.request(.put, "/v1/templates/offer-\(variant)", json: template)
            try #require(saved.status == .created, "\(saved.text)")
        }
        let segment: JSONValue = [
            "name": "subscribers", "rule": ["field": "consent", "purpose": "marketing", "channel": "email"],
        ]
        try #require(try await app.request(.put, "/v1/segments/subscribers", json: segment).status == .created)
        var ids: [String] = []
        for number in 0..<members {
            let consents: JSONValue =
                number % 4 == 0
                ? [] : [["purpose": "marketing", "channel": "email", "state": "granted", "source": "app"]]
            let created = try await app.request(
                .post, "/v1/members",
                json: [
                    "external_id": .string("c-\(number)"), "email": .string("c\(number)@example.cn"),
                    "consents": consents,
                ])
            try #require(created.status == .created, "\(created.text)")
            if number % 4 != 0, case .string(let id)? = created.json["member_id"] { ids.append(id) }
        }
        return ids
    }

    @Test(arguments: TestDatabase.engines)
    func aCampaignIsDraftedDryRunLaunchedSentOnceAndMeasured(engine: DatabaseEngine) async throws {
        let sink = try await SMTPSink.start(
            TestCertificate.shared.sinkOptions + ["--require-starttls", "--auth", "shop:s3cret"])
        defer { sink.stop() }
        let channels = try MessageAPITests.channels(sink)
        try await TestApplication.run(engine, messageChannels: channels) { app in
            let subscribers = try await Self.prepare(app)
            let created = try await app.request(.put, "/v1/campaigns/dec12", json: Self.campaign)
            #expect(created.status == .created, "\(created.text)")
            #expect(created.json["state"] == "draft" && created.json["holdout_percent"] == 25)
            #expect(created.json["conversion_days"] == 7 && created.json["send_at"] == .null)
            #expect(created.headers[.eTag] == "\"1\"")
            guard case .object(var renamed) = Self.campaign else { return }
            renamed["name"] = "双十二大促"
            let changed = try await app.request(
                .put, "/v1/campaigns/dec12", json: .object(renamed), headers: [.ifMatch: "\"1\""])
            #expect(changed.status == .ok && changed.json["version"] == 2 && changed.json["name"] == "双十二大促")
            #expect(
                try await app.request(
                    .put, "/v1/campaigns/dec12", json: Self.campaign, headers: [.ifMatch: "\"1\""]
                ).status == .preconditionFailed)

            let forecast = try await app.request(.get, "/v1/campaigns/dec12/forecast")
            #expect(forecast.status == .ok, "\(forecast.text)")
            #expect(forecast.json["audience"] == .number(Double(subscribers.count)))
            let arms = forecast.json["arms"]?.array ?? []
            #expect(arms.compactMap { $0["arm"]?.string } == ["holdout", "a", "b"])
            let emails = arms.compactMap { $0["sends"]?["email"]?.number }.reduce(0, +)
            let holdout = arms.first?["members"]?.number ?? 0
            #expect(emails + holdout == Double(subscribers.count), "every subscriber is sendable: \(forecast.text)")
            #expect(try sink.messages().isEmpty, "a dry run sends nothing")

            let launched = try await app.request(.post, "/v1/campaigns/dec12/launch")
            #expect(launched.status == .accepted && launched.json["state"] == "launching", "\(launched.text)")
            #expect(try await app.request(.post, "/v1/campaigns/dec12/launch").status == .ok, "a retry")
            let late = try await app.request(.put, "/v1/campaigns/dec12", json: Self.campaign)
            #expect(late.status == .conflict && late.headers[.contentType] == "application/problem+json")

            // What `patron serve` runs in the background: the campaign service's queueing, then the dispatcher.
            let run = try await app.store.runCampaign(id: "dec12", at: app.store.clock.now)
            #expect(run.finished && run.queued == subscribers.count)
            let dispatcher = MessageDispatcher(
                store: app.store, channels: channels, publicURL: "https://loyalty.example.cn",
                logger: Logger(label: "test"))
            while try await dispatcher.round() > 0 {}
            await dispatcher.shutdown()
            let mails = try sink.messages().map { try ParsedMail(file: $0) }
            #expect(mails.count == Int(emails))
            #expect(Set(mails.map(\.to)).count == mails.count, "one email per member")

            let shown = try await app.request(.get, "/v1/campaigns/dec12")
            #expect(shown.json["state"] == "launched" && shown.json["queued"] == .number(Double(subscribers.count)))
            let results = try await app.request(.get, "/v1/campaigns/dec12/results")
            #expect(results.status == .ok, "\(results.text)")
            let byArm = results.json["arms"]?.array ?? []
            #expect(byArm.compactMap { $0["arm"]?.string } == ["holdout", "a", "b"])
            #expect(byArm.first?["messages"]?["sent"] == 0 && byArm.first?["members"] == .number(holdout))
            let sent = byArm.dropFirst().compactMap { $0["messages"]?["sent"]?.number }.reduce(0, +)
            #expect(sent == emails)
            #expect(results.json["verdict"] == "collecting" && results.json["winner"] == .null)
            let against = results.json["comparisons"]?.array.compactMap { $0["against"]?.string }
            #expect(against == ["holdout", "holdout"])
            let listed = try await app.request(.get, "/v1/campaigns")
            #expect(listed.json["data"]?.array.first?["campaign_id"] == "dec12")
            let summary = try await app.request(.get, "/v1/messages/summary?source=campaign:dec12")
            #expect(summary.json["by_status"]?["sent"] == .number(emails))
            // No global control group is set: everyone is reached, nothing is compared.
            let global = try await app.request(.get, "/v1/analytics/global-control?days=30")
            #expect(global.status == .ok && global.json["percent"] == 0, "\(global.text)")
            #expect(global.json["held_back"]?["members"] == 0 && global.json["conversion"] == .null)
        }
    }

    @Test(arguments: TestDatabase.engines)
    func whatCannotBeDoneIsAnsweredWithAProblem(engine: DatabaseEngine) async throws {
        try await TestApplication.run(engine) { app in
            _ = try await Self.prepare(app)
            let unknown = try await app.request(.get, "/v1/campaigns/nope")
            #expect(unknown.status == .notFound && unknown.json["detail"] == "no campaign with id 'nope'")
            #expect(try await app.request(.post, "/v1/campaigns/nope/launch").status == .notFound)
            #expect(try await app.request(.get, "/v1/campaigns/nope/results").status == .notFound)
            // The surprise campaigns' route holds this path: a campaign cannot take its name.
            let taken = try await app.request(.put, "/v1/campaigns/surprise", json: Self.campaign)
            #expect(taken.status == .methodNotAllowed, "\(taken.status)")
            let bad = try await app.request(
                .put, "/v1/campaigns/bad",
                json: ["name": "x", "segment_id": "nobody", "variants": [["variant_id": "a", "template_id": "none"]]])
            #expect(bad.status == .unprocessableContent)
            let pointers = bad.json["errors"]?.array.compactMap { $0["pointer"]?.string }
            #expect(pointers == ["/segment_id", "/variants/0/template_id"], "\(bad.text)")

            #expect(try await app.request(.put, "/v1/campaigns/dec12", json: Self.campaign).status == .created)
            let cancelled = try await app.request(.post, "/v1/campaigns/dec12/cancel")
            #expect(cancelled.status == .ok && cancelled.json["state"] == "cancelled")
            let relaunch = try await app.request(.post, "/v1/campaigns/dec12/launch")
            #expect(relaunch.status == .conflict && relaunch.json["detail"] == "campaign dec12 was cancelled")
        }
    }
}
