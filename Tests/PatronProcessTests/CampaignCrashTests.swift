import AsyncHTTPClient
import Foundation
import PatronCore
import PatronStore
import PatronTestSupport
import SQLKit
import Testing

/// A campaign survives a crash: `patron serve` is killed (SIGKILL) in the middle of a campaign to 10,000
/// members, sending through a real SMTP server on loopback (aiosmtpd, STARTTLS and AUTH). After a restart every
/// member has one arm, every member outside the holdout one message, and each message is sent — except the few
/// being handed over at the kill (ambiguous, never sent again by themselves); no Message-ID arrives twice.
@Suite(
    .serialized, .timeLimit(.minutes(10)), .enabled(if: SMTPSink.isAvailable, Comment(rawValue: SMTPSink.unavailable)))
struct CampaignCrashTests {
    static let members = 10_000

    @Test(arguments: TestDatabase.engines)
    func killedMidCampaignItLosesNoMessageAndSendsNoneTwice(engine: DatabaseEngine) async throws {
        try await MessageCrashTests.withMailServer(engine) { databaseURL, environment, sink, store in
            try await Self.launch(in: store)
            let start = { @Sendable in
                try await ServerProcess.start(
                    databaseURL: databaseURL.argument, environment: environment, client: .shared)
            }
            // The server finds the campaign launching, queues it and sends as it goes.
            let server = try await start()
            let waitUntil = ContinuousClock.now + .seconds(120)
            while try sink.messages().count < 1_000, ContinuousClock.now < waitUntil {
                try await Task.sleep(for: .milliseconds(5))
            }
            await server.kill()
            let atKill = try sink.messages().count
            #expect(atKill >= 1_000 && atKill < 8_000, "killed in the middle: \(atKill) sent")

            // The killed server's lease and claims run out after 30 seconds; the new one finishes the rest.
            let restarted = try await start()
            var statuses: [String: [String]] = [:]
            var campaign = try await store.campaign(id: "crash")
            for _ in 0..<3_000 {
                campaign = try await store.campaign(id: "crash")
                statuses = try await MessageCrashTests.idsByStatus(store)
                if campaign.state == .launched,
                    statuses.keys.allSatisfy({ ["sent", "sending", "ambiguous"].contains($0) })
                {
                    break
                }
                try await Task.sleep(for: .milliseconds(100))
            }
            await restarted.kill()

            #expect(campaign.state == .launched && campaign.queued == Int64(Self.members))
            let arms = try await Self.arms(store)
            #expect(arms.count == Self.members, "one arm per member")
            let messaged = arms.filter { $0.value != "holdout" }.count
            #expect(
                statuses.values.reduce(0) { $0 + $1.count } == messaged, "one message per member outside the holdout")
            #expect(try MessageCrashTests.expectEachSentOnce(statuses, sink: sink) == messaged)
        }
    }

    /// Members with an email and email marketing consent, a template, a segment of everyone, and the campaign
    /// launched before any server runs; quiet hours off, so the test sends at any hour.
    static func launch(in store: Store) async throws {
        try await Migrations.migrate(store.database)
        let now = store.clock.now
        var (_, program) = try await store.program()
        program.messaging.quietHours = nil
        _ = try await store.saveProgram(program, actor: "test")
        for variant in ["a", "b"] {
            let offer = try MessageTemplate.parse([
                "name": "offer", "category": "marketing",
                "contents": [
                    ["channel": "email", "language": "zh", "subject": .string("优惠 \(variant)"), "text": "您好"]
                ],
            ])
            _ = try await store.saveTemplate(
                id: "offer-\(variant)", template: offer, acceptedVersions: nil, by: "test", at: now)
        }
        _ = try await store.saveSegment(
            id: "everyone", definition: SegmentDefinition(name: "everyone", rule: .all([])),
            source: ["name": "everyone", "rule": ["all": []]], acceptedVersions: nil, by: "test", at: now)
        let consent = ConsentRecord(
            purpose: .marketing, channel: .email, state: .granted, source: .app, policyVersion: nil, evidence: nil,
            givenAt: Timestamp(millisecondsSinceEpoch: now.millisecondsSinceEpoch - 86_400_000))
        try await withThrowingTaskGroup(of: Void.self) { group in
            for lane in 0..<8 {
                group.addTask {
                    for number in stride(from: lane, to: members, by: 8) {
                        _ = try await store.upsertMember(
                            MemberProfile(externalID: "m-\(number)", email: EmailAddress("m\(number)@example.cn")),
                            consents: [consent])
                    }
                }
            }
            try await group.waitForAll()
        }
        let body: JSONValue = [
            "name": "crash", "segment_id": "everyone", "holdout_percent": 10,
            "variants": [
                ["variant_id": "a", "template_id": "offer-a"], ["variant_id": "b", "template_id": "offer-b"],
            ],
        ]
        _ = try await store.saveCampaign(
            id: "crash", definition: try CampaignDefinition.parse(body), acceptedVersions: nil,
            by: "test", at: now)
        #expect(try await store.launchCampaign(id: "crash", at: now).campaign.state == .launching)
    }

    /// Each member's arm in the campaign.
    static func arms(_ store: Store) async throws -> [String: String] {
        try await store.database.read { database in
            var arms: [String: String] = [:]
            for row in try await database.raw(
                "SELECT member_id, arm FROM campaign_recipients WHERE campaign_id = 'crash'"
            ).all() {
                let member = try row.decode(column: "member_id", as: String.self)
                #expect(arms[member] == nil, "\(member) twice")
                arms[member] = try row.decode(column: "arm", as: String.self)
            }
            return arms
        }
    }
}
