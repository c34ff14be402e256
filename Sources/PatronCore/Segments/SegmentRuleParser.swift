/// Reads a segment rule from JSON: a group (`{"all": […]}`, `{"any": […]}`, `{"not": {…}}`) or a condition
/// (`{"field": …}` with the field's own keys), reporting each problem at its JSON pointer.
struct SegmentRuleParser {
    let vocabulary: SegmentDefinition.Vocabulary

    func rule(
        _ value: JSONValue, pointer: String, depth: Int, parts: inout Int, problems: inout [FieldError]
    ) -> SegmentRule? {
        guard case .object(let fields) = value else {
            problems.append(FieldError(pointer: pointer, detail: "must be an object, not \(value.typeName)"))
            return nil
        }
        parts += 1
        if parts == SegmentDefinition.maximumParts + 1 {
            problems.append(
                FieldError(
                    pointer: pointer,
                    detail: "makes the rule longer than \(SegmentDefinition.maximumParts) conditions and groups"))
        }
        guard depth <= SegmentDefinition.maximumDepth else {
            problems.append(
                FieldError(pointer: pointer, detail: "nests deeper than \(SegmentDefinition.maximumDepth) levels"))
            return nil
        }
        let kinds = ["all", "any", "not", "field"].filter { fields[$0] != nil }
        guard kinds.count == 1, let kind = kinds.first else {
            problems.append(
                FieldError(pointer: pointer, detail: "must have exactly one of all, any, not and field"))
            return nil
        }
        switch kind {
        case "all", "any":
            guard case .array(let items)? = fields[kind] else {
                problems.append(FieldError(pointer: "\(pointer)/\(kind)", detail: "must be an array of rules"))
                return nil
            }
            var rules: [SegmentRule] = []
            for (index, item) in items.enumerated() {
                if let rule = rule(
                    item, pointer: "\(pointer)/\(kind)/\(index)", depth: depth + 1, parts: &parts, problems: &problems)
                {
                    rules.append(rule)
                }
            }
            return kind == "all" ? .all(rules) : .any(rules)
        case "not":
            return rule(
                fields["not"] ?? .null, pointer: "\(pointer)/not", depth: depth + 1, parts: &parts, problems: &problems
            ).map(SegmentRule.not)
        default:
            var reader = FieldReader(value, pointer: pointer)
            let condition = self.condition(&reader)
            problems += reader.errors
            return reader.errors.isEmpty ? condition.map(SegmentRule.condition) : nil
        }
    }

    private func condition(_ reader: inout FieldReader) -> SegmentCondition? {
        guard let field: SegmentCondition.Field = reader.choice("field", required: true) else { return nil }
        switch field {
        case .tier: return names(&reader, known: vocabulary.tiers, what: "a tier of the program").map { .tier($0) }
        case .daysSinceJoined: return range(&reader).map { .daysSinceJoined($0) }
        case .attribute:
            let key = reader.string("key", required: true, maxLength: 64)
            if key?.trimmingWhitespace().isEmpty == true { reader.fail("key", "must not be blank") }
            guard let key, let values = names(&reader, known: nil, what: "") else { return nil }
            return .attribute(key: key, values: values)
        case .pointsAvailable: return range(&reader, allowsNegative: true).map { .pointsAvailable($0) }
        case .pointsExpiring:
            guard let days = days(&reader, required: true), let range = range(&reader) else { return nil }
            return .pointsExpiring(days: days, range)
        case .daysSinceLastOrder: return range(&reader).map { .daysSinceLastOrder($0) }
        case .orders:
            let days = days(&reader, required: false)
            return range(&reader).map { .orders(days: days, $0) }
        case .spendMinor:
            let days = days(&reader, required: false)
            return range(&reader, allowsNegative: true).map { .spend(days: days, $0) }
        case .store:
            let days = days(&reader, required: false)
            return names(&reader, known: nil, what: "").map { .boughtAt(stores: $0, days: days) }
        case .channel:
            let days = days(&reader, required: false)
            let known = Set(Channel.allCases.map(\.rawValue))
            guard let names = names(&reader, known: known, what: "a channel") else { return nil }
            return .boughtThrough(channels: Set(names.compactMap(Channel.init(rawValue:))), days: days)
        case .rfmSegment:
            return names(&reader, known: vocabulary.rfmSegments, what: "an RFM segment").map { .rfmSegment($0) }
        case .lifecycleStage:
            return names(&reader, known: vocabulary.lifecycleStages, what: "a lifecycle stage").map {
                .lifecycleStage($0)
            }
        case .probabilityAlive: return range(&reader, whole: false, upTo: 1).map { .probabilityAlive($0) }
        case .consent:
            let purpose: ConsentPurpose? = reader.choice("purpose", required: true)
            let channel: ConsentChannel? = reader.choice("channel")
            if purpose == .marketing, channel == nil, reader.raw("channel") == nil {
                reader.fail("channel", "is required for marketing consent")
            }
            if let purpose, purpose != .marketing, channel != nil {
                reader.fail("channel", "is only for marketing consent")
            }
            return purpose.map { .consent(purpose: $0, channel: channel) }
        case .openTickets: return range(&reader).map { .openTickets($0) }
        }
    }

    /// `in`: 1 to 100 distinct names of at most 128 characters, each of `known` when given.
    private func names(_ reader: inout FieldReader, known: Set<String>?, what: String) -> Set<String>? {
        guard let list = reader.strings("in", maxLength: 128) else {
            if reader.raw("in") == nil { reader.fail("in", "is required") }
            return nil
        }
        guard (1...100).contains(list.count) else {
            reader.fail("in", "must hold 1 to 100 values")
            return nil
        }
        var valid = true
        for (index, name) in list.enumerated() {
            if name.trimmingWhitespace().isEmpty {
                reader.fail("in/\(index)", "must not be blank")
                valid = false
            } else if let known, !known.contains(name) {
                reader.fail("in/\(index)", "is not \(what); known: \(known.sorted().joined(separator: ", "))")
                valid = false
            }
        }
        return valid ? Set(list) : nil
    }

    /// `min` and `max`, at least one, `min` ≤ `max`: whole numbers from 0 (or any sign), or fractions up to `upTo`.
    private func range(
        _ reader: inout FieldReader, whole: Bool = true, allowsNegative: Bool = false, upTo limit: Double? = nil
    ) -> NumberRange? {
        func bound(_ key: String) -> Double? {
            if whole {
                guard let value = reader.integer(key) else { return nil }
                if !allowsNegative, value < 0 { reader.fail(key, "must be 0 or more") }
                return Double(value)
            }
            guard let value = reader.number(key) else { return nil }
            if value < 0 || value > (limit ?? .infinity) { reader.fail(key, "must be from 0 to \(limit ?? 0)") }
            return value
        }
        let range = NumberRange(min: bound("min"), max: bound("max"))
        if range.min == nil, range.max == nil, reader.raw("min") == nil, reader.raw("max") == nil {
            reader.fail("min", "or max is required")
            return nil
        }
        if let min = range.min, let max = range.max, min > max { reader.fail("max", "must not be below min") }
        return range
    }

    private func days(_ reader: inout FieldReader, required: Bool) -> Int? {
        guard let days = reader.int("days", required: required) else { return nil }
        guard (1...SegmentDefinition.maximumDays).contains(days) else {
            reader.fail("days", "must be 1 to \(SegmentDefinition.maximumDays)")
            return nil
        }
        return days
    }
}
