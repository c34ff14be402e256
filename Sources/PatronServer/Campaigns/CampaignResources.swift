import PatronAnalytics
import PatronCore
import PatronStore

/// A campaign as the API shows it: its definition, where it is, and how far its queueing got.
struct CampaignResource: Encodable {
    let campaign: SavedCampaign

    private enum CodingKeys: String, CodingKey {
        case version, state, audience, queued
        case campaignID = "campaign_id"
        case startedAt = "started_at"
        case finishedAt = "finished_at"
        case createdBy = "created_by"
        case createdAt = "created_at"
        case updatedAt = "updated_at"
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(campaign.campaignID, forKey: .campaignID)
        try container.encode(campaign.version, forKey: .version)
        try campaign.definition.encode(to: encoder)
        try container.encode(campaign.state, forKey: .state)
        try container.encode(campaign.startedAt, forKey: .startedAt)
        try container.encode(campaign.finishedAt, forKey: .finishedAt)
        try container.encode(campaign.audience, forKey: .audience)
        try container.encode(campaign.queued, forKey: .queued)
        try container.encode(campaign.createdBy, forKey: .createdBy)
        try container.encode(campaign.createdAt, forKey: .createdAt)
        try container.encode(campaign.updatedAt, forKey: .updatedAt)
    }
}

/// A dry run: each arm's members and what the guardrails would decide for their messages now.
struct CampaignForecastResource: Encodable {
    let campaignID: String
    let evaluatedAt: Timestamp
    let arms: [ArmForecast]

    private struct Arm: Encodable {
        let arm: String
        let members: Int
        let sends: [String: Int]
        let held: Int
        let skipped: [String: Int]
    }

    private enum CodingKeys: String, CodingKey {
        case audience, arms
        case campaignID = "campaign_id"
        case evaluatedAt = "evaluated_at"
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(campaignID, forKey: .campaignID)
        try container.encode(evaluatedAt, forKey: .evaluatedAt)
        try container.encode(arms.reduce(0) { $0 + $1.members }, forKey: .audience)
        try container.encode(
            arms.map {
                Arm(
                    arm: $0.arm, members: $0.members, sends: counts($0.sends), held: $0.held,
                    skipped: counts($0.skipped))
            }, forKey: .arms)
    }
}

/// A difference from a baseline as the API shows it: the estimate, its 95% interval and two-sided p-value;
/// money divided by `scale` into major units.
struct DifferenceResource: Encodable {
    let difference: Double
    let lower: Double
    let upper: Double
    let pValue: Double

    enum CodingKeys: String, CodingKey {
        case difference, lower, upper
        case pValue = "p_value"
    }

    init(_ difference: Difference, scale: Double = 1) {
        self.difference = difference.estimate / scale
        lower = difference.lower / scale
        upper = difference.upper / scale
        pValue = difference.pValue
    }
}

/// What a group of members did in a window: how many, how many ordered, and their revenue in major units.
struct OutcomeResource: Encodable {
    let members: Int
    let conversions: Int
    let conversionRate: Double
    let revenue: String
    let revenuePerMember: Double

    enum CodingKeys: String, CodingKey {
        case members, conversions, revenue
        case conversionRate = "conversion_rate"
        case revenuePerMember = "revenue_per_member"
    }

    init(_ outcome: ArmOutcome, currency: Currency) {
        members = outcome.members
        conversions = outcome.conversions
        conversionRate = outcome.conversionRate
        revenue = currency.amount(Int64(outcome.revenue))
        revenuePerMember = outcome.revenuePerMember / currency.minorUnitsPerMajor
    }
}

/// A campaign's results: each arm's messages, conversions and revenue, each variant against the baseline, and
/// the verdict.
struct CampaignResultsResource: Encodable {
    let results: CampaignResults

    private struct Arm: Encodable {
        let arm: String
        let messages: [String: Int]
        let skipped: [String: Int]
        let outcome: OutcomeResource

        enum CodingKeys: String, CodingKey {
            case arm, messages, skipped
        }

        /// The arm's name and messages beside its outcome's fields, in one object.
        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(arm, forKey: .arm)
            try container.encode(messages, forKey: .messages)
            try container.encode(skipped, forKey: .skipped)
            try outcome.encode(to: encoder)
        }
    }

    private struct Comparison: Encodable {
        let arm: String
        let against: String
        let conversion: DifferenceResource?
        let revenuePerMember: DifferenceResource?

        enum CodingKeys: String, CodingKey {
            case arm, against, conversion
            case revenuePerMember = "revenue_per_member"
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(arm, forKey: .arm)
            try container.encode(against, forKey: .against)
            try container.encode(conversion, forKey: .conversion)
            try container.encode(revenuePerMember, forKey: .revenuePerMember)
        }
    }

    private enum CodingKeys: String, CodingKey {
        case state, currency, arms, comparisons, verdict, winner
        case campaignID = "campaign_id"
        case windowStart = "window_start"
        case windowEnd = "window_end"
        case sampleNeeded = "sample_needed"
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        let currency = results.currency
        // Revenue in major units: yuan, not fen.
        let scale = currency.minorUnitsPerMajor
        try container.encode(results.campaign.campaignID, forKey: .campaignID)
        try container.encode(results.campaign.state, forKey: .state)
        try container.encode(results.windowStart, forKey: .windowStart)
        try container.encode(results.windowEnd, forKey: .windowEnd)
        try container.encode(currency.code, forKey: .currency)
        try container.encode(
            results.arms.map {
                Arm(
                    arm: $0.arm, messages: counts($0.messages), skipped: counts($0.skipped),
                    outcome: OutcomeResource($0.outcome, currency: currency))
            }, forKey: .arms)
        let reading = results.reading
        try container.encode(
            reading.comparisons.map {
                Comparison(
                    arm: $0.arm, against: reading.baseline, conversion: $0.conversion.map { DifferenceResource($0) },
                    revenuePerMember: $0.revenuePerMember.map { DifferenceResource($0, scale: scale) })
            }, forKey: .comparisons)
        try container.encode(reading.sampleNeeded, forKey: .sampleNeeded)
        switch reading.verdict {
        case .collecting:
            try container.encode("collecting", forKey: .verdict)
            try container.encodeNil(forKey: .winner)
        case .winner(let arm):
            try container.encode("winner", forKey: .verdict)
            try container.encode(arm, forKey: .winner)
        case .noWinner:
            try container.encode("no_winner", forKey: .verdict)
            try container.encodeNil(forKey: .winner)
        }
    }
}

/// The global control group against everyone else: each side's orders in the window, and the difference.
struct GlobalControlResource: Encodable {
    let lift: GlobalControlLift

    private enum CodingKeys: String, CodingKey {
        case percent, from, to, currency, reached, conversion
        case heldBack = "held_back"
        case revenuePerMember = "revenue_per_member"
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(lift.control.percent, forKey: .percent)
        try container.encode(lift.from, forKey: .from)
        try container.encode(lift.to, forKey: .to)
        try container.encode(lift.currency.code, forKey: .currency)
        try container.encode(OutcomeResource(lift.heldBack, currency: lift.currency), forKey: .heldBack)
        try container.encode(OutcomeResource(lift.reached, currency: lift.currency), forKey: .reached)
        try container.encode(lift.conversion.map { DifferenceResource($0) }, forKey: .conversion)
        try container.encode(
            lift.revenuePerMember.map { DifferenceResource($0, scale: lift.currency.minorUnitsPerMajor) },
            forKey: .revenuePerMember)
    }
}
