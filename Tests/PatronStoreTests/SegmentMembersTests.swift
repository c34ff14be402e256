import Foundation
import PatronCore
import PatronStore
import PatronTestSupport
import Testing

/// Segments evaluated over stored members: each kind of fact read as the condition says, members without a fact
/// counted as having none of it, erased members never in a segment, and versions kept.
@Suite struct SegmentMembersTests {
    static let now: Int64 = 1_780_000_000_000
    static let day: Int64 = 86_400_000

    static func order(
        _ id: String, member: String, daysAgo: Int64, yuan: Int64, store: String, channel: String
    )
        throws -> OrderSubmission
    {
        let body: JSONValue = [
            "order_id": .string(id), "member": ["external_id": .string(member)],
            "occurred_at": .string(Timestamp(millisecondsSinceEpoch: now - daysAgo * day).rfc3339), "currency": "CNY",
            "store_id": .string(store), "channel": .string(channel),
            "lines": [["sku": "TEA", "quantity": 1, "unit_price_minor": .number(Double(yuan * 100))]],
            "total_minor": .number(Double(yuan * 100)),
        ]
        return try OrderSubmission.parse(body, receivedAt: Timestamp(millisecondsSinceEpoch: now))
    }

    /// Four members: one recent small buyer in Shanghai, one big buyer in Beijing, one who never bought (with SMS
    /// consent), one erased; answers their ids by external id.
    static func members(_ store: Store) async throws -> [String: String] {
        var ids: [String: String] = [:]
        ids["small"] = try await store.recordOrder(
            try order("o-1", member: "small", daysAgo: 10, yuan: 100, store: "SH-01", channel: "store"),
            fingerprint: "f"
        ).order.memberID
        _ = try await store.recordOrder(
            try order("o-2", member: "big", daysAgo: 100, yuan: 3_000, store: "BJ-02", channel: "store"),
            fingerprint: "f")
        ids["big"] = try await store.recordOrder(
            try order("o-3", member: "big", daysAgo: 5, yuan: 3_000, store: "BJ-02", channel: "app"), fingerprint: "f"
        ).order.memberID
        _ = try await store.upsertMember(MemberProfile(externalID: "small", attributes: ["city": "上海", "vip": true]))
        ids["never"] =
            try await store.upsertMember(
                MemberProfile(externalID: "never", attributes: ["city": "北京"]),
                consents: [
                    ConsentRecord(
                        purpose: .marketing, channel: .sms, state: .granted, source: .app, policyVersion: nil,
                        evidence: nil,
                        givenAt: Timestamp(millisecondsSinceEpoch: now - day))
                ]
            ).member.id
        let gone = try await store.recordOrder(
            try order("o-4", member: "gone", daysAgo: 3, yuan: 9_000, store: "BJ-02", channel: "store"),
            fingerprint: "f")
        _ = try await store.eraseMember(
            gone.order.memberID, handledBy: "test", at: Timestamp(millisecondsSinceEpoch: now))
        return ids
    }

    @Test(arguments: TestDatabase.engines)
    func eachConditionReadsItsFact(engine: DatabaseEngine) async throws {
        try await TestDatabase.withStore(engine, clock: WallClock { Self.now }) { store in
            let ids = try await Self.members(store)
            func who(_ rule: SegmentRule) async throws -> Set<String> {
                let found = try await store.segmentMembers(rule, at: Timestamp(millisecondsSinceEpoch: Self.now))
                #expect(found.universe == 3, "the erased member is in no segment")
                let names = Dictionary(uniqueKeysWithValues: ids.map { ($1, $0) })
                return Set(found.memberIDs.map { names[$0] ?? $0 })
            }
            func when(_ condition: SegmentCondition) async throws -> Set<String> {
                try await who(.condition(condition))
            }
            let (_, program) = try await store.program()
            let lowest = program.tiers.lowest.tierID
            #expect(try await when(.tier([lowest])).contains("never"), "no change of tier yet: the lowest")
            #expect(try await when(.tier(["no-such-tier"])).isEmpty)
            #expect(try await when(.orders(days: 30, NumberRange(min: 1))) == ["small", "big"])
            #expect(try await when(.orders(days: nil, NumberRange(max: 0))) == ["never"], "no orders count as 0")
            #expect(try await when(.orders(days: nil, NumberRange(min: 2))) == ["big"])
            #expect(try await when(.spend(days: nil, NumberRange(min: 500_000))) == ["big"])
            #expect(try await when(.spend(days: 30, NumberRange(max: 400_000))) == ["small", "big", "never"])
            #expect(
                try await when(.daysSinceLastOrder(NumberRange(min: 7))) == ["small"], "never-buyers have no recency")
            #expect(try await when(.boughtAt(stores: ["BJ-02"], days: 30)) == ["big"])
            #expect(try await when(.boughtThrough(channels: [.app], days: nil)) == ["big"])
            #expect(try await when(.pointsAvailable(NumberRange(min: 1))) == ["small", "big"])
            #expect(try await when(.pointsAvailable(NumberRange(max: 0))) == ["never"])
            #expect(try await when(.attribute(key: "city", values: ["上海", "广州"])) == ["small"])
            #expect(try await when(.attribute(key: "vip", values: ["true"])) == ["small"])
            #expect(try await when(.consent(purpose: .marketing, channel: .sms)) == ["never"])
            #expect(try await when(.consent(purpose: .marketing, channel: .email)).isEmpty)
            #expect(try await when(.openTickets(NumberRange(max: 0))) == ["small", "big", "never"])
            #expect(try await when(.daysSinceJoined(NumberRange(max: 1))) == ["small", "big", "never"])
            #expect(
                try await when(
                    .rfmSegment([
                        "Champions", "Loyal", "New", "Promising", "Potential Loyalist",
                        "Need Attention", "About to Sleep", "At Risk", "Can't Lose Them", "Hibernating", "Lost",
                    ])) == ["small", "big"],
                "every customer has an RFM segment; someone who never bought has none")
            let lapsedOrSilent = SegmentRule.all([
                .any([
                    .condition(.daysSinceLastOrder(NumberRange(min: 7))),
                    .condition(.orders(days: nil, NumberRange(max: 0))),
                ]),
                .not(.condition(.consent(purpose: .marketing, channel: .sms))),
            ])
            #expect(try await who(lapsedOrSilent) == ["small"])
            #expect(try await who(.all([])) == ["small", "big", "never"], "all of nothing: everyone")
            #expect(try await who(.any([])).isEmpty, "any of nothing: no one")
            #expect(
                try await who(.not(.condition(.daysSinceLastOrder(NumberRange(min: 7))))) == ["big", "never"],
                "no recency is not 7 days or more")
            let repeated = SegmentRule.any([
                .condition(.orders(days: nil, NumberRange(min: 2))),
                .all([.condition(.orders(days: nil, NumberRange(min: 2))), .condition(.tier([lowest]))]),
            ])
            #expect(try await who(repeated) == ["big"], "a condition named twice is joined once")
        }
    }

    @Test(arguments: TestDatabase.engines)
    func everySaveIsANewVersionAndRemovalKeepsThem(engine: DatabaseEngine) async throws {
        try await TestDatabase.withStore(engine, clock: WallClock { Self.now }) { store in
            let first = SegmentDefinition(name: "Buyers", rule: .condition(.orders(days: nil, NumberRange(min: 1))))
            let source: JSONValue = ["name": "Buyers", "rule": ["field": "orders", "min": 1]]
            let at = Timestamp(millisecondsSinceEpoch: Self.now)
            let (saved, created) = try await store.saveSegment(
                id: "buyers", definition: first, source: source, acceptedVersions: nil, by: "test", at: at)
            #expect(saved.version == 1 && created)
            await #expect(throws: SegmentError.versionMismatch(current: 1)) {
                _ = try await store.saveSegment(
                    id: "buyers", definition: first, source: source, acceptedVersions: [7], by: "test", at: at)
            }
            let (second, again) = try await store.saveSegment(
                id: "buyers", definition: first, source: source, acceptedVersions: [1], by: "test", at: at)
            #expect(second.version == 2 && !again)
            #expect(try await store.segment(id: "buyers").definition == first)
            #expect(try await store.segments().map(\.segmentID) == ["buyers"])
            try await store.removeSegment(id: "buyers", acceptedVersions: [2], by: "test", at: at)
            await #expect(throws: SegmentError.notFound("buyers")) { _ = try await store.segment(id: "buyers") }
            #expect(try await store.segments().isEmpty)
            let (back, recreated) = try await store.saveSegment(
                id: "buyers", definition: first, source: source, acceptedVersions: nil, by: "test", at: at)
            #expect(back.version == 4 && recreated)
        }
    }
}
