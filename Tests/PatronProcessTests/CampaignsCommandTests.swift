import Foundation
import PatronCore
import PatronStore
import PatronTestSupport
import Testing

/// `patron campaigns` as a marketer runs it: a dry run that changes nothing, the launch that queues the whole
/// audience, the results, and one-line answers for what cannot be done.
@Suite struct CampaignsCommandTests {
    @Test(arguments: TestDatabase.engines)
    func aDryRunChangesNothingAndASendQueuesEveryMemberOnce(engine: DatabaseEngine) async throws {
        try await TestDatabase.withURL(engine) { url in
            let dataKey = TestDatabase.makeDataKey()
            let environment = ["PATRON_DATA_KEY": dataKey]
            let database = ["--database-url", url.argument]
            let opened = try await DatabaseFactory.open(url, logger: TestDatabase.logger)
            try await opened.withRunning { database in
                try await Migrations.migrate(database)
                let store = Store(
                    database: database, protector: DataProtector(dataKey: try DataKey.parse(dataKey, source: "test")))
                let now = store.clock.now
                for number in 0..<30 {
                    _ = try await store.upsertMember(
                        MemberProfile(externalID: "m\(number)", email: EmailAddress("m\(number)@example.cn")))
                }
                let offer = try MessageTemplate.parse([
                    "name": "offer", "category": "transactional",
                    "contents": [["channel": "email", "language": "zh", "subject": "通知", "text": "您好"]],
                ])
                _ = try await store.saveTemplate(
                    id: "offer", template: offer, acceptedVersions: nil, by: "test", at: now)
                _ = try await store.saveSegment(
                    id: "everyone", definition: SegmentDefinition(name: "everyone", rule: .all([])),
                    source: ["name": "everyone", "rule": ["all": []]], acceptedVersions: nil, by: "test", at: now)
                let body: JSONValue = [
                    "name": "notice", "segment_id": "everyone", "holdout_percent": 0,
                    "variants": [["variant_id": "a", "template_id": "offer"]],
                ]
                _ = try await store.saveCampaign(
                    id: "notice", definition: try CampaignDefinition.parse(body), acceptedVersions: nil, by: "test",
                    at: now)
            }
            let dry = try await PatronCommand.run(
                ["campaigns", "send", "notice", "--dry-run", "--channels", "email"] + database, environment: environment
            )
            #expect(dry.status == 0, "\(dry.errors)")
            #expect(dry.output.hasPrefix("Dry run: 30 members; sending on email."), "\(dry.output)")
            #expect(dry.output.contains("  a: 30 members — 30 by email"), "\(dry.output)")
            let none = try await PatronCommand.run(
                ["campaigns", "send", "notice", "--dry-run", "--channels", "sms"] + database, environment: environment)
            #expect(none.output.contains("30 skipped (channel_unavailable)"), "\(none.output)")

            let sent = try await PatronCommand.run(
                ["campaigns", "send", "notice"] + database, environment: environment)
            #expect(sent.status == 0, "\(sent.errors)")
            #expect(sent.output.hasPrefix("Campaign notice is launched: 30 of 30 members queued"), "\(sent.output)")
            let again = try await PatronCommand.run(
                ["campaigns", "send", "notice"] + database, environment: environment)
            #expect(again.output.hasPrefix("Campaign notice is launched: 30 of 30 members queued"), "\(again.output)")

            let results = try await PatronCommand.run(
                ["campaigns", "results", "notice"] + database, environment: environment)
            #expect(results.output.contains("  a: 30 members, 0 sent, 0 converted (0.0%)"), "\(results.output)")

            let unknown = try await PatronCommand.run(
                ["campaigns", "results", "nope"] + database, environment: environment)
            #expect(unknown.status != 0 && unknown.errors.contains("no campaign with id 'nope'"), "\(unknown.errors)")
            let channel = try await PatronCommand.run(
                ["campaigns", "send", "notice", "--dry-run", "--channels", "fax"] + database, environment: environment)
            #expect(channel.status != 0 && channel.errors.contains("--channels takes email, sms, wechat and push"))
        }
    }
}
