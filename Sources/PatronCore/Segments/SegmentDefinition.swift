/// A saved segment: a name for people and the rule, as a shop writes it in JSON:
///
///     {"name": "Lapsing gold", "rule": {"all": [
///         {"field": "tier", "in": ["gold", "diamond"]},
///         {"field": "days_since_last_order", "min": 60},
///         {"not": {"field": "consent", "purpose": "marketing", "channel": "sms"}}]}}
public struct SegmentDefinition: Sendable, Hashable {
    public static let maximumNameLength = 200
    /// Conditions and groups in one rule, counted together: enough for any segment a person writes.
    public static let maximumParts = 100
    public static let maximumDepth = 8
    public static let maximumDays = 3_650

    public var name: String
    public var rule: SegmentRule

    /// Whether `id` may name a segment: 1 to 64 ASCII letters, digits, `-` and `_`.
    public static func isValidID(_ id: String) -> Bool {
        (1...64).contains(id.utf8.count)
            && id.utf8.allSatisfy {
                (0x30...0x39).contains($0) || (0x41...0x5A).contains($0) || (0x61...0x7A).contains($0)
                    || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "_")
            }
    }

    public init(name: String, rule: SegmentRule) {
        self.name = name
        self.rule = rule
    }

    /// The names a rule may use, from the program and the analytics: tiers the program has, RFM segments and
    /// lifecycle stages. Nil accepts any name: a stored segment is read back even after the program dropped a
    /// tier it names (which then matches no one).
    public struct Vocabulary: Sendable {
        public var tiers: Set<String>?
        public var rfmSegments: Set<String>?
        public var lifecycleStages: Set<String>?

        public init(tiers: Set<String>?, rfmSegments: Set<String>?, lifecycleStages: Set<String>?) {
            self.tiers = tiers
            self.rfmSegments = rfmSegments
            self.lifecycleStages = lifecycleStages
        }

        public static let any = Vocabulary(tiers: nil, rfmSegments: nil, lifecycleStages: nil)
    }

    /// Validates a request body, reporting every problem at once with its JSON pointer.
    public static func parse(_ body: JSONValue, vocabulary: Vocabulary) throws(ValidationFailure) -> SegmentDefinition {
        var reader = FieldReader(body)
        let name = reader.string("name", required: true, maxLength: maximumNameLength)
        if name?.trimmingWhitespace().isEmpty == true { reader.fail("name", "must not be blank") }
        var rule: SegmentRule?
        if let value = reader.raw("rule") {
            var parts = 0
            var problems: [FieldError] = []
            rule = SegmentRuleParser(vocabulary: vocabulary).rule(
                value, pointer: "/rule", depth: 1, parts: &parts, problems: &problems)
            reader.check(problems)
        } else {
            reader.fail("rule", "is required")
        }
        try reader.finish()
        guard let name, let rule else { throw ValidationFailure(pointer: "/", detail: "is incomplete") }
        return SegmentDefinition(name: name, rule: rule)
    }
}
