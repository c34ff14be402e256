/// A message the program sends by itself when something happens to a member, once per occurrence: the
/// occurrence names the message (`trigger:{id}:{occurrence}`), so a job run twice, or on two nodes, sends once.
public struct MessageTrigger: Sendable, Hashable, Encodable {
    public enum Kind: String, Sendable, Hashable, Codable, CaseIterable {
        /// `days` after the member joined (0: at once).
        case welcome
        /// `days` before a lot of their points expires; once per lot.
        case pointsExpiring = "points_expiring"
        /// `days` after the member moved up a tier (0: at once); once per move.
        case tierUpgraded = "tier_upgraded"
        /// `days` after an order (a thank-you, a survey's invitation); once per order.
        case postPurchase = "post_purchase"
        /// When the member's last order is `days` old; once per last order.
        case inactivity
        /// `days` after the member moved down a tier; once per move.
        case tierDowngraded = "tier_downgraded"
        /// `days` before a coupon the member holds expires, while it is unused; once per coupon.
        case couponExpiring = "coupon_expiring"
        /// `days` after one of the member's tickets was resolved (the loop closed); once per resolution.
        case feedbackResolved = "feedback_resolved"
        /// When the purchase model says a valuable customer is slipping away — P(alive) below `p_alive_below`
        /// while their lifetime value is in the top `value_top_percent` of customers — before they are gone;
        /// once per last order (buying again starts over).
        case predictiveWinBack = "predictive_win_back"
        /// `days` before the member's birthday (0: on the day), in the program's time zone; once a year.
        case birthday
        /// `days` after each anniversary of the member joining (0: on the day); once a year.
        case anniversary

        /// Looked at once a day: it reads every member, not just what happened lately.
        public var isDaily: Bool { [.predictiveWinBack, .birthday, .anniversary].contains(self) }
    }

    public var triggerID: String
    public var kind: Kind
    public var templateID: String
    /// Tried in order; empty: the template's channels.
    public var channels: [MessageChannel]
    public var days: Int
    /// Only members in this segment, when given.
    public var segmentID: String?
    /// Given with each message, through the rewards module: points, a reward (its coupon in `{{coupon.code}}`),
    /// or both; once per occurrence.
    public var reward: GrantedReward?
    /// Predictive win-back: P(alive) under this, and a lifetime value in the top this-many percent.
    public var probabilityAliveBelow: Double?
    public var valueTopPercent: Double?

    public init(
        triggerID: String, kind: Kind, templateID: String, channels: [MessageChannel], days: Int, segmentID: String?
    ) {
        self.triggerID = triggerID
        self.kind = kind
        self.templateID = templateID
        self.channels = channels
        self.days = days
        self.segmentID = segmentID
        if kind == .predictiveWinBack {
            probabilityAliveBelow = Self.standardProbabilityAliveBelow
            valueTopPercent = Self.standardValueTopPercent
        }
    }

    /// More likely gone than still buying.
    public static let standardProbabilityAliveBelow = 0.5
    public static let standardValueTopPercent = 30.0

    public static let maximumTriggers = 50
    public static let maximumDays = 730

    enum CodingKeys: String, CodingKey {
        case kind, channels, days
        case triggerID = "trigger_id"
        case templateID = "template_id"
        case segmentID = "segment_id"
        case probabilityAliveBelow = "p_alive_below"
        case valueTopPercent = "value_top_percent"
        case reward
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(triggerID, forKey: .triggerID)
        try container.encode(kind, forKey: .kind)
        try container.encode(templateID, forKey: .templateID)
        try container.encode(channels, forKey: .channels)
        try container.encode(days, forKey: .days)
        try container.encode(segmentID, forKey: .segmentID)
        try container.encodeIfPresent(probabilityAliveBelow, forKey: .probabilityAliveBelow)
        try container.encodeIfPresent(valueTopPercent, forKey: .valueTopPercent)
        try container.encodeIfPresent(reward, forKey: .reward)
    }

    /// Reads `[{trigger_id, kind, template_id, channels, days, segment_id}]`; ids are unique.
    static func readList(_ key: String, from reader: inout FieldReader) -> [MessageTrigger]? {
        var seen: Set<String> = []
        let triggers = reader.objects(key) { item -> MessageTrigger? in
            let id = item.string("trigger_id", required: true, maxLength: 64)
            if let id {
                if !SegmentDefinition.isValidID(id) {
                    item.fail("trigger_id", "must be 1 to 64 letters, digits, - or _")
                } else if !seen.insert(id).inserted {
                    item.fail("trigger_id", "is given twice")
                }
            }
            let kind: Kind? = item.choice("kind", required: true)
            let template = item.string("template_id", required: true, maxLength: 64)
            let channels = MessageChannel.readOrder("channels", from: &item)
            let days = item.int("days") ?? 0
            if !(0...maximumDays).contains(days) { item.fail("days", "must be 0 to \(maximumDays)") }
            if [.inactivity, .pointsExpiring, .couponExpiring].contains(kind), days == 0 {
                item.fail("days", "must be at least 1 for \(kind?.rawValue ?? "")")
            }
            let segment = item.string("segment_id", maxLength: 64)
            let below = item.number("p_alive_below")
            if let below, !(below > 0 && below < 1) { item.fail("p_alive_below", "must lie between 0 and 1") }
            let top = item.number("value_top_percent")
            if let top, !(top > 0 && top <= 100) { item.fail("value_top_percent", "must be above 0 and at most 100") }
            let reward = item.nested("reward") { reward in
                GrantedReward(points: reward.integer("points"), rewardID: reward.string("reward_id", maxLength: 64))
            }
            if let reward { item.check(reward.problems(at: item.path("reward"))) }
            guard let id, let kind, let template else { return nil }
            var trigger = MessageTrigger(
                triggerID: id, kind: kind, templateID: template, channels: channels, days: days, segmentID: segment)
            if kind == .predictiveWinBack {
                trigger.probabilityAliveBelow = below ?? standardProbabilityAliveBelow
                trigger.valueTopPercent = top ?? standardValueTopPercent
            }
            trigger.reward = reward
            return trigger
        }
        if let triggers, triggers.count > maximumTriggers {
            reader.fail(key, "must hold at most \(maximumTriggers) triggers")
        }
        return triggers?.compactMap { $0 }
    }
}
