import PatronCore
import Testing

/// Segment rules: what a definition may say, and the conditions a rule names.
@Suite struct SegmentRuleTests {
    static let vocabulary = SegmentDefinition.Vocabulary(
        tiers: ["silver", "gold"], rfmSegments: ["Champions", "At Risk"], lifecycleStages: ["active", "dormant"])

    @Test func aRuleListsEachConditionOnceInTheOrderWritten() {
        let gold = SegmentCondition.tier(["gold"])
        let lapsed = SegmentCondition.daysSinceLastOrder(NumberRange(min: 60))
        let sms = SegmentCondition.consent(purpose: .marketing, channel: .sms)
        let rule = SegmentRule.all([
            .condition(gold), .any([.condition(lapsed), .not(.condition(sms))]), .not(.condition(gold)),
        ])
        #expect(rule.conditions == [gold, lapsed, sms])
    }

    @Test func aDefinitionIsReadWithEveryKindOfCondition() throws {
        let body: JSONValue = [
            "name": "Lapsing gold",
            "rule": [
                "all": [
                    ["field": "tier", "in": ["gold"]],
                    [
                        "any": [
                            ["field": "days_since_last_order", "min": 60], ["field": "orders", "days": 90, "max": 0],
                        ]
                    ],
                    ["not": ["field": "consent", "purpose": "marketing", "channel": "sms"]],
                    ["field": "p_alive", "max": 0.4], ["field": "spend_minor", "min": 100_000],
                    ["field": "attribute", "key": "city", "in": ["上海"]],
                    ["field": "points_expiring", "days": 30, "min": 100],
                    ["field": "channel", "in": ["app"], "days": 365],
                ]
            ],
        ]
        let definition = try SegmentDefinition.parse(body, vocabulary: Self.vocabulary)
        #expect(definition.name == "Lapsing gold")
        #expect(
            definition.rule.conditions == [
                .tier(["gold"]), .daysSinceLastOrder(NumberRange(min: 60)), .orders(days: 90, NumberRange(max: 0)),
                .consent(purpose: .marketing, channel: .sms), .probabilityAlive(NumberRange(max: 0.4)),
                .spend(days: nil, NumberRange(min: 100_000)), .attribute(key: "city", values: ["上海"]),
                .pointsExpiring(days: 30, NumberRange(min: 100)), .boughtThrough(channels: [.app], days: 365),
            ])
    }

    @Test func everyProblemIsReportedWhereItIs() {
        let body: JSONValue = [
            "name": " ",
            "rule": [
                "all": [
                    ["field": "tier", "in": ["platinum"]], ["field": "orders", "min": 5, "max": 2],
                    ["field": "points_expiring", "min": 1], ["field": "p_alive", "min": 1.5],
                    ["field": "consent", "purpose": "profiling", "channel": "sms"], ["field": "height"],
                    ["all": [], "any": []], ["field": "days_since_joined"], "gold",
                ]
            ],
        ]
        #expect {
            try SegmentDefinition.parse(body, vocabulary: Self.vocabulary)
        } throws: { error in
            let pointers = Set((error as? ValidationFailure)?.errors.map(\.pointer) ?? [])
            return pointers == [
                "/name", "/rule/all/0/in/0", "/rule/all/1/max", "/rule/all/2/days", "/rule/all/3/min",
                "/rule/all/4/channel", "/rule/all/5/field", "/rule/all/6", "/rule/all/7/min", "/rule/all/8",
            ]
        }
    }

    @Test func rulesAreKeptShortAndShallow() {
        var deep: JSONValue = ["field": "orders", "min": 1]
        for _ in 0..<SegmentDefinition.maximumDepth { deep = ["not": deep] }
        #expect(throws: ValidationFailure.self) {
            try SegmentDefinition.parse(["name": "deep", "rule": deep], vocabulary: Self.vocabulary)
        }
        let long: JSONValue = ["any": .array((0..<100).map { _ in ["field": "orders", "min": 1] })]
        #expect(throws: ValidationFailure.self) {
            try SegmentDefinition.parse(["name": "long", "rule": long], vocabulary: Self.vocabulary)
        }
        let fits: JSONValue = ["any": .array((0..<99).map { _ in ["field": "orders", "min": 1] })]
        #expect((try? SegmentDefinition.parse(["name": "fits", "rule": fits], vocabulary: Self.vocabulary)) != nil)
    }
}
