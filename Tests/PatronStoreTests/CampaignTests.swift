import Foundation
import PatronAnalytics
import PatronCore
import PatronStore
import PatronTestSupport
import Testing

/// Campaigns through the store: a launch queues each member of the segment once, in the arm their hash gives,
/// however the queueing is interrupted or raced; a cancel skips what was not sent; the results count each arm's
/// orders in the conversion window; a dry run decides without writing.
@Suite struct CampaignTests {
    /// 12:00 in Shanghai, outside quiet hours.
    static let start: Int64 = Timestamp(rfc3339: "2026-06-01T04:00:00Z")!.millisecondsSinceEpoch
    static let day: Int64 = 86_400_000
    static let memberCount = 240

    static func at(_ milliseconds: Int64) -> Timestamp { Timestamp(millisecondsSinceEpoch: milliseconds) }

    /// `memberCount` members in the order made, every third without consent; an offer template; a segment of
    /// everyone.
    static func prepare(_ store: Store) async throws -> [String] {
        var ids: [String] = []
        for index in 0..<memberCount {
            let consents =
                index % 3 == 0
                ? []
                : [
                    ConsentRecord(
                        purpose: .marketing, channel: .email, state: .granted, source: .app, policyVersion: nil,
                        evidence: nil, givenAt: at(start - day))
                ]
            ids.append(
                try await store.upsertMember(
                    MemberProfile(externalID: "m\(index)", email: EmailAddress("m\(index)@example.cn")),
                    consents: consents
                ).member.id)
        }
        for id in ["offer-a", "offer-b"] {
            _ = try await store.saveTemplate(
                id: id,
                template: try MessageTemplate.parse([
                    "name": "offer", "category": "marketing",
                    "contents": [["channel": "email", "language": "zh", "subject": "优惠", "text": "您好"]],
                ]), acceptedVersions: nil, by: "test", at: at(start))
        }
        _ = try await store.saveSegment(
            id: "everyone", definition: SegmentDefinition(name: "everyone", rule: .all([])),
            source: ["name": "everyone", "rule": ["all": []]], acceptedVersions: nil, by: "test", at: at(start))
        return ids
    }

    static let body: JSONValue = [
        "name": "June offer", "segment_id": "everyone",
        "variants": [["variant_id": "a", "template_id": "offer-a"], ["variant_id": "b", "template_id": "offer-b"]],
        "holdout_percent": 20, "conversion_days": 7,
    ]

    /// The campaign with some fields changed.
    static func body(_ changes: [String: JSONValue]) -> JSONValue {
        guard case .object(var fields) = body else { return body }
        fields.merge(changes) { $1 }
        return .object(fields)
    }

    static func save(_ store: Store, _ body: JSONValue = body, id: String = "june") async throws -> SavedCampaign {
        try await store.saveCampaign(
            id: id, definition: try CampaignDefinition.parse(body), acceptedVersions: nil, by: "test",
            at: at(start)
        ).campaign
    }

    /// The messages of the campaign, by member: each member at most once.
    static func messages(_ store: Store, campaign: String) async throws -> [String: MessageRecord] {
        var byMember: [String: MessageRecord] = [:]
        var cursor: String?
        while true {
            let page = try await store.messages(source: "campaign:" + campaign, after: cursor, limit: 500)
            for message in page {
                #expect(byMember[message.memberID] == nil, "a second message for \(message.memberID)")
                byMember[message.memberID] = message
            }
            guard page.count == 500 else { return byMember }
            cursor = page.last?.messageID
        }
    }

    @Test(arguments: TestDatabase.engines)
    func aLaunchQueuesEveryMemberOnceInTheArmTheirHashGives(engine: DatabaseEngine) async throws {
        let clock = Shared(Self.start)
        try await TestDatabase.withStore(engine, clock: WallClock { clock.value }) { store in
            let ids = try await Self.prepare(store)
            let saved = try await Self.save(store)
            #expect(saved.state == .draft && saved.version == 1)
            #expect(try await store.dueCampaigns(at: Self.at(Self.start)).isEmpty, "a draft is not due")
            let (launched, launchedNow) = try await store.launchCampaign(id: "june", at: Self.at(Self.start))
            #expect(launched.state == .launching && launchedNow)
            #expect(try await store.launchCampaign(id: "june", at: Self.at(Self.start)) == (launched, false), "a retry")
            #expect(try await store.dueCampaigns(at: Self.at(Self.start)) == ["june"])

            // Two nodes at once: one takes the campaign, the other finds it taken.
            async let first = store.runCampaign(id: "june", at: Self.at(Self.start), batchSize: 50)
            async let second = store.runCampaign(id: "june", at: Self.at(Self.start), batchSize: 50)
            let runs = try await [first, second]
            #expect(runs.map(\.queued).sorted() == [0, Self.memberCount], "\(runs)")
            let campaign = try await store.campaign(id: "june")
            #expect(campaign.state == .launched && campaign.audience == Int64(Self.memberCount))
            #expect(campaign.queued == Int64(Self.memberCount) && campaign.startedAt == Self.at(Self.start))
            #expect(try await store.dueCampaigns(at: Self.at(Self.start + Self.day)).isEmpty)

            let messages = try await Self.messages(store, campaign: "june")
            var expected: [String: Int] = [:]
            for id in ids {
                let arm = campaign.assignment.arm(of: id, in: campaign.definition)
                expected[arm, default: 0] += 1
                let message = messages[id]
                if arm == "holdout" {
                    #expect(message == nil, "the holdout is sent nothing")
                } else {
                    #expect(message?.templateID == "offer-\(arm)" && message?.naturalKey == "campaign:june:\(id)")
                    #expect(message?.status == .queued && message?.category == .marketing)
                }
            }
            #expect(messages.count == Self.memberCount - (expected["holdout"] ?? 0))
            #expect((expected["holdout"] ?? 0) > 20 && (expected["a"] ?? 0) > 60 && (expected["b"] ?? 0) > 60)
            let results = try await store.campaignResults(id: "june")
            #expect(results.arms.map(\.arm) == ["holdout", "a", "b"])
            #expect(results.arms.map(\.outcome.members) == [expected["holdout"], expected["a"], expected["b"]])
            #expect(results.arms[1].messages == [.queued: expected["a"] ?? 0])
            #expect(results.arms[0].messages.isEmpty)
        }
    }

    /// A node dies part-way (its task is cancelled at some batch); once its lease runs out the next run goes on
    /// after its cursor, and every member ends with one arm and at most one message, wherever it stopped.
    @Test(arguments: TestDatabase.engines)
    func aRunThatDiesPartWayIsFinishedByTheNextWithoutDuplicates(engine: DatabaseEngine) async throws {
        let clock = Shared(Self.start)
        try await TestDatabase.withStore(engine, clock: WallClock { clock.value }) { store in
            let ids = try await Self.prepare(store)
            _ = try await Self.save(store)
            _ = try await store.launchCampaign(id: "june", at: Self.at(Self.start))
            let doomed = Task { try await store.runCampaign(id: "june", at: Self.at(Self.start), batchSize: 10) }
            try await Task.sleep(for: .milliseconds(30))
            doomed.cancel()
            _ = try? await doomed.value
            let stopped = try await store.campaign(id: "june")
            if stopped.state == .launching {
                #expect(stopped.queued < Int64(Self.memberCount))
                // Its lease holds the campaign until it runs out.
                #expect(try await store.runCampaign(id: "june", at: Self.at(Self.start + 1_000)).queued == 0)
            }
            clock.update { $0 += 31_000 }
            let rest = try await store.runCampaign(id: "june", at: Self.at(Self.start + 31_000))
            let campaign = try await store.campaign(id: "june")
            #expect(campaign.state == .launched)
            #expect(campaign.queued == Int64(Self.memberCount), "stopped at \(stopped.queued), then \(rest.queued)")
            let messages = try await Self.messages(store, campaign: "june")
            let sent = ids.filter { campaign.assignment.arm(of: $0, in: campaign.definition) != "holdout" }
            #expect(Set(messages.keys) == Set(sent))
        }
    }

    @Test(arguments: TestDatabase.engines)
    func theResultsCountEachArmsOrdersInsideTheConversionWindow(engine: DatabaseEngine) async throws {
        let clock = Shared(Self.start)
        try await TestDatabase.withStore(engine, clock: WallClock { clock.value }) { store in
            let ids = try await Self.prepare(store)
            _ = try await Self.save(store)
            _ = try await store.launchCampaign(id: "june", at: Self.at(Self.start))
            _ = try await store.runCampaign(id: "june", at: Self.at(Self.start))
            let campaign = try await store.campaign(id: "june")
            var expected: [String: (members: Int, buyers: Int, revenue: Int64)] = [:]
            for (index, id) in ids.enumerated() {
                let arm = campaign.assignment.arm(of: id, in: campaign.definition)
                expected[arm, default: (0, 0, 0)].members += 1
                guard index % 4 == 0 else { continue }
                // Inside the window: two orders of one buyer, of 100 and 100 + index yuan.
                let yuan = 100 + Int64(index)
                for (suffix, yuan, offset) in [("x", 100, Self.day), ("y", yuan, 6 * Self.day)] {
                    _ = try await store.recordOrder(
                        try Self.order("o\(index)\(suffix)", member: id, at: Self.start + offset, yuan: Int64(yuan)),
                        fingerprint: "f")
                }
                expected[arm, default: (0, 0, 0)].buyers += 1
                expected[arm, default: (0, 0, 0)].revenue += (100 + yuan) * 100
                // Before the start and after the window: neither counts.
                _ = try await store.recordOrder(
                    try Self.order("o\(index)b", member: id, at: Self.start - 1, yuan: 50), fingerprint: "f")
                _ = try await store.recordOrder(
                    try Self.order("o\(index)l", member: id, at: Self.start + 7 * Self.day, yuan: 50), fingerprint: "f")
            }
            let results = try await store.campaignResults(id: "june")
            #expect(results.windowStart == Self.at(Self.start))
            #expect(results.windowEnd == Self.at(Self.start + 7 * Self.day))
            for arm in results.arms {
                let want = expected[arm.arm] ?? (0, 0, 0)
                #expect(arm.outcome.members == want.members && arm.outcome.conversions == want.buyers, "\(arm.arm)")
                #expect(arm.outcome.revenue == Double(want.revenue), "\(arm.arm)")
            }
            #expect(results.reading.baseline == "holdout")
            #expect(results.reading.comparisons.map(\.arm) == ["a", "b"])
            // Two hundred and forty members are far from the sample a tenth's lift needs.
            if case .collecting = results.reading.verdict {} else { Issue.record("\(results.reading.verdict)") }
        }
    }

    static func order(_ id: String, member: String, at instant: Int64, yuan: Int64) throws -> OrderSubmission {
        try OrderSubmission.parse(
            [
                "order_id": .string(id), "member_id": .string(member),
                "occurred_at": .string(Timestamp(millisecondsSinceEpoch: instant).rfc3339), "currency": "CNY",
                "lines": [["sku": "TEA", "quantity": 1, "unit_price_minor": .number(Double(yuan * 100))]],
                "total_minor": .number(Double(yuan * 100)),
            ], receivedAt: Timestamp(millisecondsSinceEpoch: instant))
    }

    @Test(arguments: TestDatabase.engines)
    func aCancelSkipsWhatWasNotSentAndOnlyADraftChanges(engine: DatabaseEngine) async throws {
        try await TestDatabase.withStore(engine, clock: WallClock { Self.start }) { store in
            _ = try await Self.prepare(store)
            _ = try await Self.save(store)
            let changed = Self.body(["name": "June offer, again"])
            let second = try await store.saveCampaign(
                id: "june", definition: try CampaignDefinition.parse(changed), acceptedVersions: [1],
                by: "test", at: Self.at(Self.start))
            #expect(
                !second.created && second.campaign.version == 2
                    && second.campaign.definition.name == "June offer, again")
            await #expect(throws: CampaignError.versionMismatch(current: 2)) {
                try await store.saveCampaign(
                    id: "june", definition: try CampaignDefinition.parse(changed),
                    acceptedVersions: [1], by: "test", at: Self.at(Self.start))
            }
            _ = try await store.launchCampaign(id: "june", at: Self.at(Self.start))
            _ = try await store.runCampaign(id: "june", at: Self.at(Self.start))
            await #expect(throws: CampaignError.notDraft(campaignID: "june", state: .launched)) {
                try await Self.save(store)
            }
            let cancelled = try await store.cancelCampaign(id: "june", at: Self.at(Self.start))
            #expect(cancelled.state == .cancelled)
            let messages = try await Self.messages(store, campaign: "june")
            #expect(
                !messages.isEmpty && messages.values.allSatisfy { $0.status == .skipped && $0.skipReason == .cancelled }
            )
            await #expect(throws: CampaignError.cancelled(campaignID: "june")) {
                try await store.launchCampaign(id: "june", at: Self.at(Self.start))
            }
            #expect(try await store.cancelCampaign(id: "june", at: Self.at(Self.start)).state == .cancelled)
        }
    }

    @Test(arguments: TestDatabase.engines)
    func aCampaignNamesASegmentAndTemplatesThatExist(engine: DatabaseEngine) async throws {
        try await TestDatabase.withStore(engine, clock: WallClock { Self.start }) { store in
            _ = try await Self.prepare(store)
            let body = Self.body([
                "segment_id": "nobody",
                "variants": [
                    ["variant_id": "a", "template_id": "offer-a"], ["variant_id": "b", "template_id": "gone"],
                ],
            ])
            await #expect(
                throws: ValidationFailure([
                    FieldError(pointer: "/segment_id", detail: "names no segment"),
                    FieldError(pointer: "/variants/1/template_id", detail: "names no template"),
                ])
            ) { try await Self.save(store, body) }
            await #expect(throws: CampaignError.notFound("june")) {
                try await store.launchCampaign(id: "june", at: Self.at(Self.start))
            }
        }
    }

    @Test(arguments: TestDatabase.engines)
    func aScheduledCampaignStartsWhenItsTimeComes(engine: DatabaseEngine) async throws {
        let clock = Shared(Self.start)
        try await TestDatabase.withStore(engine, clock: WallClock { clock.value }) { store in
            _ = try await Self.prepare(store)
            let body = Self.body(["send_at": .string(Self.at(Self.start + 3_600_000).rfc3339)])
            _ = try await Self.save(store, body)
            #expect(try await store.launchCampaign(id: "june", at: Self.at(Self.start)).campaign.state == .scheduled)
            #expect(try await store.dueCampaigns(at: Self.at(Self.start + 3_599_999)).isEmpty)
            #expect(try await store.runCampaign(id: "june", at: Self.at(Self.start)).queued == 0)
            clock.update { $0 += 3_600_000 }
            #expect(try await store.dueCampaigns(at: Self.at(Self.start + 3_600_000)) == ["june"])
            let run = try await store.runCampaign(id: "june", at: Self.at(Self.start + 3_600_000))
            #expect(run.finished && run.queued == Self.memberCount)
            #expect(try await store.campaign(id: "june").startedAt == Self.at(Self.start + 3_600_000))
        }
    }

    /// The global control group gets an arm of its own and no message; the dry run puts each message through
    /// the guardrails and writes nothing.
    @Test(arguments: TestDatabase.engines)
    func theGlobalControlIsSentNothingAndADryRunWritesNothing(engine: DatabaseEngine) async throws {
        try await TestDatabase.withStore(engine, clock: WallClock { Self.start }) { store in
            let ids = try await Self.prepare(store)
            var (_, program) = try await store.program()
            program.messaging.globalControl = GlobalControl(percent: 10, salt: "program")
            _ = try await store.saveProgram(program, actor: "test")
            _ = try await Self.save(store)
            let forecast = try await store.campaignForecast(
                id: "june", available: [.email], at: Self.at(Self.start))
            #expect(try await Self.messages(store, campaign: "june").isEmpty)
            #expect(try await store.campaign(id: "june").state == .draft)
            let control = ids.filter { program.messaging.globalControl.contains($0) }
            #expect(forecast.map(\.arm) == ["holdout", "a", "b", "global_control"])
            #expect(forecast.last?.members == control.count && !control.isEmpty)
            let campaign = try await store.campaign(id: "june")
            for arm in forecast where arm.arm == "a" || arm.arm == "b" {
                let members = ids.enumerated().filter { index, id in
                    !control.contains(id) && campaign.assignment.arm(of: id, in: campaign.definition) == arm.arm
                }
                let unconsented = members.filter { $0.offset % 3 == 0 }.count
                #expect(arm.members == members.count)
                #expect(arm.skipped == (unconsented > 0 ? [.noConsent: unconsented] : [:]), "\(arm)")
                #expect(arm.sends == [.email: members.count - unconsented] && arm.held == 0)
            }
            let withoutEmail = try await store.campaignForecast(id: "june", available: [.sms], at: Self.at(Self.start))
            #expect(withoutEmail[1].skipped.keys.sorted { $0.rawValue < $1.rawValue } == [.channelUnavailable])

            _ = try await store.launchCampaign(id: "june", at: Self.at(Self.start))
            _ = try await store.runCampaign(id: "june", at: Self.at(Self.start))
            let messages = try await Self.messages(store, campaign: "june")
            #expect(control.allSatisfy { messages[$0] == nil })
            let results = try await store.campaignResults(id: "june")
            #expect(results.arms.last?.arm == "global_control" && results.arms.last?.outcome.members == control.count)
            #expect(results.reading.comparisons.map(\.arm) == ["a", "b"], "the global control is not a baseline")
        }
    }

    /// The global control group against everyone else over a window: each side's buyers and revenue, as counting
    /// them member by member gives.
    @Test(arguments: TestDatabase.engines)
    func theGlobalControlLiftComparesTheHeldBackWithEveryoneElse(engine: DatabaseEngine) async throws {
        try await TestDatabase.withStore(engine, clock: WallClock { Self.start }) { store in
            let ids = try await Self.prepare(store)
            var (_, program) = try await store.program()
            program.messaging.globalControl = GlobalControl(percent: 20, salt: "program")
            _ = try await store.saveProgram(program, actor: "test")
            var expected: [Bool: (members: Int, buyers: Int, revenue: Double)] = [true: (0, 0, 0), false: (0, 0, 0)]
            for (index, id) in ids.enumerated() {
                let held = program.messaging.globalControl.contains(id)
                expected[held]?.members += 1
                guard index % 3 == 1 else { continue }
                let yuan = Int64(20 + index)
                _ = try await store.recordOrder(
                    try Self.order("g\(index)", member: id, at: Self.start - 10 * Self.day, yuan: yuan),
                    fingerprint: "f")
                // Older than the window: not counted.
                _ = try await store.recordOrder(
                    try Self.order("g\(index)-old", member: id, at: Self.start - 40 * Self.day, yuan: 5),
                    fingerprint: "f")
                expected[held]?.buyers += 1
                expected[held]?.revenue += Double(yuan * 100)
            }
            let lift = try await store.globalControlLift(days: 30, at: Self.at(Self.start))
            for (held, outcome) in [(true, lift.heldBack), (false, lift.reached)] {
                let want = expected[held] ?? (0, 0, 0)
                #expect(outcome.members == want.members && outcome.conversions == want.buyers, "\(held)")
                #expect(outcome.revenue == want.revenue, "\(held)")
            }
            #expect(lift.heldBack.members > 20 && lift.reached.members > 150)
            #expect(lift.conversion != nil && lift.revenuePerMember != nil)
        }
    }
}
