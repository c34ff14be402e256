/// A one-off send to a segment, as a shop writes it:
///
///     {"name": "Winter double points", "segment_id": "lapsing-gold",
///      "variants": [{"variant_id": "a", "template_id": "winter-a"},
///                   {"variant_id": "b", "template_id": "winter-b", "weight": 2}],
///      "holdout_percent": 10, "conversion_days": 7, "send_at": "2026-12-05T10:00:00+08:00"}
///
/// Each member of the segment lands in one arm, the holdout (sent nothing, to measure against) or a variant,
/// by a hash of their id with the campaign's salt: the same member always lands in the same arm.
public struct CampaignDefinition: Sendable, Hashable {
    public struct Variant: Sendable, Hashable, Encodable {
        public var variantID: String
        public var templateID: String
        /// The variant's share of the members outside the holdout, relative to the other variants' weights.
        public var weight: Int

        public init(variantID: String, templateID: String, weight: Int = 1) {
            self.variantID = variantID
            self.templateID = templateID
            self.weight = weight
        }

        enum CodingKeys: String, CodingKey {
            case weight
            case variantID = "variant_id"
            case templateID = "template_id"
        }
    }

    public static let maximumVariants = 10
    public static let maximumHoldoutPercent = 50.0
    public static let maximumConversionDays = 90
    /// The name the holdout arm goes by; no variant may take it.
    public static let holdoutArm = "holdout"
    /// The arm of the segment's members in the program's global control group, who are sent nothing.
    public static let globalControlArm = "global_control"

    public var name: String
    public var segmentID: String
    public var variants: [Variant]
    /// Tried in order for every message; empty: each template's own.
    public var channels: [MessageChannel]
    /// The share of the segment sent nothing, in percent (0 to 50, hundredths count).
    public var holdoutPercent: Double
    /// An order within this many days of the campaign's start is its conversion.
    public var conversionDays: Int
    /// The smallest relative change in conversion worth finding (0.1: a tenth more orders than the holdout);
    /// it sets the sample each arm needs before a winner is named.
    public var minimumDetectableEffect: Double
    /// When to start; nil: when asked to.
    public var sendAt: Timestamp?

    public init(
        name: String, segmentID: String, variants: [Variant], channels: [MessageChannel] = [],
        holdoutPercent: Double = 10, conversionDays: Int = 7, minimumDetectableEffect: Double = 0.1,
        sendAt: Timestamp? = nil
    ) {
        self.name = name
        self.segmentID = segmentID
        self.variants = variants
        self.channels = channels
        self.holdoutPercent = holdoutPercent
        self.conversionDays = conversionDays
        self.minimumDetectableEffect = minimumDetectableEffect
        self.sendAt = sendAt
    }

    /// Validates a request body, reporting every problem at once with its JSON pointer.
    public static func parse(_ body: JSONValue) throws(ValidationFailure) -> CampaignDefinition {
        var reader = FieldReader(body)
        let name = reader.string("name", required: true, maxLength: SegmentDefinition.maximumNameLength)
        if name?.trimmingWhitespace().isEmpty == true { reader.fail("name", "must not be blank") }
        let segment = reader.string("segment_id", required: true, maxLength: 64)
        if let segment, !SegmentDefinition.isValidID(segment) {
            reader.fail("segment_id", "must be 1 to 64 letters, digits, - or _")
        }
        var seen: Set<String> = []
        let variants = reader.objects("variants", required: true) { item -> Variant? in
            let id = item.string("variant_id", required: true, maxLength: 32)
            if let id {
                if !SegmentDefinition.isValidID(id) || id == holdoutArm || id == globalControlArm {
                    item.fail(
                        "variant_id",
                        "must be 1 to 32 letters, digits, - or _, and not \(holdoutArm) or \(globalControlArm)")
                } else if !seen.insert(id).inserted {
                    item.fail("variant_id", "is given twice")
                }
            }
            let template = item.string("template_id", required: true, maxLength: 64)
            let weight = item.int("weight") ?? 1
            if !(1...100).contains(weight) { item.fail("weight", "must be 1 to 100") }
            guard let id, let template else { return nil }
            return Variant(variantID: id, templateID: template, weight: weight)
        }
        if let variants, !(1...maximumVariants).contains(variants.count) {
            reader.fail("variants", "must hold 1 to \(maximumVariants) variants")
        }
        let channels = MessageChannel.readOrder("channels", from: &reader)
        let holdout = reader.number("holdout_percent") ?? 10
        if !(0...maximumHoldoutPercent).contains(holdout) {
            reader.fail("holdout_percent", "must be 0 to \(Int(maximumHoldoutPercent))")
        }
        let days = reader.int("conversion_days") ?? 7
        if !(1...maximumConversionDays).contains(days) {
            reader.fail("conversion_days", "must be 1 to \(maximumConversionDays)")
        }
        let effect = reader.number("minimum_detectable_effect") ?? 0.1
        if !(0.01...10).contains(effect) { reader.fail("minimum_detectable_effect", "must be 0.01 to 10") }
        let sendAt = reader.timestamp("send_at")
        try reader.finish()
        guard let name, let segment, let variants = variants?.compactMap({ $0 }) else {
            throw ValidationFailure(pointer: "/", detail: "is incomplete")
        }
        return CampaignDefinition(
            name: name, segmentID: segment, variants: variants, channels: channels, holdoutPercent: holdout,
            conversionDays: days, minimumDetectableEffect: effect, sendAt: sendAt)
    }
}

extension CampaignDefinition: Encodable {
    enum CodingKeys: String, CodingKey {
        case name, variants, channels
        case segmentID = "segment_id"
        case holdoutPercent = "holdout_percent"
        case conversionDays = "conversion_days"
        case minimumDetectableEffect = "minimum_detectable_effect"
        case sendAt = "send_at"
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(name, forKey: .name)
        try container.encode(segmentID, forKey: .segmentID)
        try container.encode(variants, forKey: .variants)
        try container.encode(channels, forKey: .channels)
        try container.encode(holdoutPercent, forKey: .holdoutPercent)
        try container.encode(conversionDays, forKey: .conversionDays)
        try container.encode(minimumDetectableEffect, forKey: .minimumDetectableEffect)
        try container.encode(sendAt?.rfc3339, forKey: .sendAt)
    }
}
