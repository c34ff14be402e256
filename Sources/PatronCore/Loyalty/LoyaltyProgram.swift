/// A loyalty program: how points are earned, kept and lost, and how tiers work. Data, versioned on write;
/// read from JSON by ``parse(_:)``, which reports every problem at once.
public struct LoyaltyProgram: Sendable, Hashable, Encodable {
    public var currency: Currency
    public var utcOffset: UTCOffset
    public var expiry: ExpiryPolicy
    /// Days after an order during which it may be returned; rules may keep points pending that long.
    public var returnWindowDays: Int
    public var refundPolicy: RefundPolicy
    /// Points expiring within this many days are shown as `expiring_soon`.
    public var expiringSoonDays: Int
    public var rules: [EarningRule]
    public var tiers: TierProgram
    public var referral: ReferralProgram
    /// Given once a year in the member's birthday month, when set.
    public var birthdayReward: GrantedReward?
    /// How long events, inactive members, order lines and feedback text are kept.
    public var retention: RetentionPolicy
    /// How feedback is assessed when it arrives.
    public var feedback: FeedbackSettings
    /// When the service team works and the targets tickets run against.
    public var service: ServiceSettings
    /// How long survey links work, how often a member is asked, and whether orders invite by themselves.
    public var surveys: SurveySettings
    /// How often marketing may reach a member, quiet hours, and the SMS opt-out text.
    public var messaging: MessagingSettings

    /// Adds `rule`, or replaces the rule with its id; answers whether one was replaced.
    @discardableResult
    public mutating func put(_ rule: EarningRule) -> Bool {
        let existed = rules.contains { $0.ruleID == rule.ruleID }
        rules.removeAll { $0.ruleID == rule.ruleID }
        rules.append(rule)
        return existed
    }

    public init(
        currency: Currency, utcOffset: UTCOffset, expiry: ExpiryPolicy, returnWindowDays: Int,
        refundPolicy: RefundPolicy, expiringSoonDays: Int, rules: [EarningRule], tiers: TierProgram,
        referral: ReferralProgram = .standard, birthdayReward: GrantedReward? = nil,
        retention: RetentionPolicy = .standard, feedback: FeedbackSettings = .standard,
        service: ServiceSettings = .standard, surveys: SurveySettings = .standard,
        messaging: MessagingSettings = .standard
    ) {
        self.currency = currency
        self.utcOffset = utcOffset
        self.expiry = expiry
        self.returnWindowDays = returnWindowDays
        self.refundPolicy = refundPolicy
        self.expiringSoonDays = expiringSoonDays
        self.rules = rules
        self.tiers = tiers
        self.referral = referral
        self.birthdayReward = birthdayReward
        self.retention = retention
        self.feedback = feedback
        self.service = service
        self.surveys = surveys
        self.messaging = messaging
    }

    enum CodingKeys: String, CodingKey {
        case currency
        case utcOffset = "utc_offset"
        case expiry
        case returnWindowDays = "return_window_days"
        case refundPolicy = "refund_policy"
        case expiringSoonDays = "expiring_soon_days"
        case rules, tiers, referral
        case birthdayReward = "birthday_reward"
        case retention, feedback, service, surveys, messaging
    }

    /// 1 point per whole CNY after discounts, the four default tiers, points spendable at once and
    /// expiring 365 days after they were earned.
    public static let standard = LoyaltyProgram(
        currency: Currency(code: "CNY")!, utcOffset: .shanghai, expiry: .daysAfterEarning(365), returnWindowDays: 7,
        refundPolicy: .takeAvailable, expiringSoonDays: 30,
        rules: [
            EarningRule(
                ruleID: "base", name: "1 point per ¥1", kind: .pointsPerCurrencyUnit, priority: 10, points: 1,
                perMinor: 100, rounding: .down),
            EarningRule(ruleID: "tier", name: "Tier multiplier", kind: .tierMultiplier, priority: 20),
        ],
        tiers: .standard)

    /// Every problem with the program, or nothing when it can be used.
    public func problems() -> [FieldError] {
        var problems =
            expiry.problems(at: "/expiry") + tiers.problems(at: "/tiers") + referral.problems(at: "/referral")
        problems += birthdayReward?.problems(at: "/birthday_reward") ?? []
        problems += retention.problems(at: "/retention")
        problems += feedback.urgentTerms.problems(at: "/feedback/urgent_terms")
        if returnWindowDays < 0 || returnWindowDays > 3650 {
            problems.append(FieldError(pointer: "/return_window_days", detail: "must be 0 to 3650"))
        }
        if expiringSoonDays < 1 || expiringSoonDays > 3650 {
            problems.append(FieldError(pointer: "/expiring_soon_days", detail: "must be 1 to 3650"))
        }
        for (index, rule) in rules.enumerated() {
            problems += rule.problems(at: "/rules/\(index)")
            if rules[..<index].contains(where: { $0.ruleID == rule.ruleID }) {
                problems.append(FieldError(pointer: "/rules/\(index)/rule_id", detail: "is used twice"))
            }
        }
        return problems
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(currency.code, forKey: .currency)
        try container.encode(utcOffset, forKey: .utcOffset)
        try container.encode(expiry, forKey: .expiry)
        try container.encode(returnWindowDays, forKey: .returnWindowDays)
        try container.encode(refundPolicy, forKey: .refundPolicy)
        try container.encode(expiringSoonDays, forKey: .expiringSoonDays)
        try container.encode(rules, forKey: .rules)
        try container.encode(tiers, forKey: .tiers)
        try container.encode(referral, forKey: .referral)
        try container.encodeIfPresent(birthdayReward, forKey: .birthdayReward)
        try container.encode(retention, forKey: .retention)
        try container.encode(feedback, forKey: .feedback)
        try container.encode(service, forKey: .service)
        try container.encode(surveys, forKey: .surveys)
        try container.encode(messaging, forKey: .messaging)
    }
}
