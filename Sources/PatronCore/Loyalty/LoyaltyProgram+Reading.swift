extension LoyaltyProgram {
    /// A program sent as JSON, checked whole: every wrong type and every unusable value is reported at once,
    /// each at its own pointer. Fields left out take the standard program's values.
    public static func parse(_ json: JSONValue) throws(ValidationFailure) -> LoyaltyProgram {
        var reader = FieldReader(json)
        let program = read(from: &reader)
        reader.check(program.problems())
        try reader.finish()
        return program
    }

    /// A program as stored: only its shape is read, so a version stored under older checks still loads.
    public init(stored json: JSONValue) throws(ValidationFailure) {
        var reader = FieldReader(json)
        self = Self.read(from: &reader)
        try reader.finish()
    }

    static func read(from reader: inout FieldReader) -> LoyaltyProgram {
        var program = LoyaltyProgram.standard
        if let code = reader.string("currency", maxLength: 3) {
            if let currency = Currency(code: code) {
                program.currency = currency
            } else {
                reader.fail("currency", "must be an ISO 4217 currency code such as CNY")
            }
        }
        if let text = reader.string("utc_offset", maxLength: 16) {
            if let offset = UTCOffset(parsing: text) {
                program.utcOffset = offset
            } else {
                reader.fail("utc_offset", "must be an offset from UTC such as +08:00")
            }
        }
        program.expiry =
            reader.nested("expiry") { expiry in
                ExpiryPolicy(
                    policy: expiry.choice("policy", required: true) ?? .never, days: expiry.int("days"),
                    months: expiry.int("months"))
            } ?? program.expiry
        program.returnWindowDays = reader.int("return_window_days") ?? program.returnWindowDays
        program.refundPolicy = reader.choice("refund_policy") ?? program.refundPolicy
        program.expiringSoonDays = reader.int("expiring_soon_days") ?? program.expiringSoonDays
        program.rules = reader.objects("rules") { EarningRule.read(from: &$0) } ?? program.rules
        program.tiers = reader.nested("tiers") { TierProgram.read(from: &$0) } ?? program.tiers
        program.referral = reader.nested("referral") { readReferral(from: &$0) } ?? program.referral
        program.birthdayReward = reader.nested("birthday_reward") { reward in
            GrantedReward(points: reward.integer("points"), rewardID: reward.string("reward_id", maxLength: 64))
        }
        program.retention =
            reader.nested("retention") { retention in
                let standard = RetentionPolicy.standard
                return RetentionPolicy(
                    eventMonths: retention.int("event_months") ?? standard.eventMonths,
                    inactiveMemberYears: retention.int("inactive_member_years") ?? standard.inactiveMemberYears,
                    orderLineYears: retention.int("order_line_years") ?? standard.orderLineYears,
                    feedbackTextYears: retention.int("feedback_text_years") ?? standard.feedbackTextYears)
            } ?? program.retention
        program.feedback =
            reader.nested("feedback") { feedback in
                FeedbackSettings(
                    urgentTerms: feedback.objects("urgent_terms") { topic in
                        UrgentTerms.Topic(
                            topic: topic.string("topic", required: true, maxLength: 64) ?? "",
                            terms: topic.strings("terms", maxLength: 64) ?? [])
                    }.map(UrgentTerms.init) ?? FeedbackSettings.standard.urgentTerms)
            } ?? program.feedback
        program.service = reader.nested("service") { ServiceSettings.read(from: &$0) } ?? program.service
        program.surveys = reader.nested("surveys") { SurveySettings.read(from: &$0) } ?? program.surveys
        program.messaging = reader.nested("messaging") { MessagingSettings.read(from: &$0) } ?? program.messaging
        return program
    }

    private static func readReferral(from reader: inout FieldReader) -> ReferralProgram {
        let standard = ReferralProgram.standard
        return ReferralProgram(
            referrerPoints: reader.integer("referrer_points") ?? standard.referrerPoints,
            refereePoints: reader.integer("referee_points") ?? standard.refereePoints,
            referrerRewardID: reader.string("referrer_reward_id", maxLength: 64),
            refereeRewardID: reader.string("referee_reward_id", maxLength: 64),
            minOrderMinor: reader.integer("min_order_minor") ?? standard.minOrderMinor,
            maxReferralsPerMember: reader.int("max_referrals_per_member") ?? standard.maxReferralsPerMember)
    }

    /// The rewards the program gives by id, each with the pointer of the field naming it.
    public var namedRewards: [(pointer: String, rewardID: String)] {
        [
            ("/referral/referrer_reward_id", referral.referrerRewardID),
            ("/referral/referee_reward_id", referral.refereeRewardID),
            ("/birthday_reward/reward_id", birthdayReward?.rewardID),
        ].compactMap { pointer, rewardID in rewardID.map { (pointer, $0) } }
            + messaging.triggers.enumerated().compactMap { index, trigger in
                trigger.reward?.rewardID.map { ("/messaging/triggers/\(index)/reward/reward_id", $0) }
            }
    }

    /// The program's references to rewards that do not exist, given the ids of those that do.
    public func unknownRewards(existing: Set<String>) -> [FieldError] {
        namedRewards.filter { !existing.contains($0.rewardID) }.map {
            FieldError(
                pointer: $0.pointer, detail: "no reward with id '\($0.rewardID)'; create it with POST /v1/rewards first"
            )
        }
    }
}
