import Foundation
import PatronAnalytics
import PatronCore
import SQLKit

/// One arm of a campaign: who is in it, what became of its messages, and what its members bought.
public struct CampaignArmResult: Sendable, Hashable {
    public var arm: String
    /// Messages by state, and the skipped ones by reason (none for the holdout and the global control).
    public var messages: [MessageStatus: Int]
    public var skipped: [SkipReason: Int]
    /// Members, those who ordered within the conversion window, and their revenue in minor units.
    public var outcome: ArmOutcome
}

/// A campaign's results at a moment.
public struct CampaignResults: Sendable, Hashable {
    public var campaign: SavedCampaign
    /// Orders from `windowStart` up to (not including) `windowEnd` count; nil before the campaign started.
    public var windowStart: Timestamp?
    public var windowEnd: Timestamp?
    /// The program's currency, the one revenue is counted in.
    public var currency: Currency
    /// The holdout first, the variants in their order, then the global control.
    public var arms: [CampaignArmResult]
    /// Each variant against the holdout (against the first variant when there is none).
    public var reading: ExperimentReading
}

extension Store {
    /// The campaign's results: each arm's messages and conversions, and the experiment read from them.
    /// Intention to treat: a variant's members count whether or not their message went (a skip is part of what
    /// sending the variant does), so the comparison with the holdout stays fair.
    public func campaignResults(id: String) async throws -> CampaignResults {
        let (_, program) = try await self.program()
        return try await database.read { database in
            guard let campaign = try await Self.campaign(id: id, in: database) else {
                throw CampaignError.notFound(id)
            }
            let windowStart = campaign.startedAt
            let windowEnd = windowStart.map {
                Timestamp(
                    millisecondsSinceEpoch: $0.millisecondsSinceEpoch
                        + Int64(campaign.definition.conversionDays) * 86_400_000)
            }
            var messages: [String: [MessageStatus: Int]] = [:]
            var skipped: [String: [SkipReason: Int]] = [:]
            for row in try await database.raw(
                """
                SELECT r.arm, m.status, m.skip_reason, COUNT(*) AS count
                FROM campaign_recipients r JOIN messages m ON m.message_id = r.message_id
                WHERE r.campaign_id = \(bind: id)
                GROUP BY r.arm, m.status, m.skip_reason
                """
            ).all() {
                let arm = try row.decode(column: "arm", as: String.self)
                let count = Int(try row.decode(column: "count", as: Int64.self))
                if let status = MessageStatus(rawValue: try row.decode(column: "status", as: String.self)) {
                    messages[arm, default: [:]][status, default: 0] += count
                }
                if let reason = try row.decode(column: "skip_reason", as: String?.self).flatMap(SkipReason.init) {
                    skipped[arm, default: [:]][reason, default: 0] += count
                }
            }
            var outcomes: [String: ArmOutcome] = [:]
            for row in try await Self.armOutcomes(
                id, from: windowStart, to: windowEnd, currency: program.currency, in: database)
            {
                outcomes[try row.decode(column: "arm", as: String.self)] = ArmOutcome(
                    members: Int(try row.decode(column: "members", as: Int64.self)),
                    conversions: Int(try row.decode(column: "conversions", as: Int64.self)),
                    revenue: Double(try row.decode(column: "revenue", as: Int64.self)),
                    revenueSquares: try row.decode(column: "squares", as: Double.self))
            }
            let definition = campaign.definition
            let names =
                (definition.holdoutPercent > 0 ? [CampaignDefinition.holdoutArm] : [])
                + definition.variants.map(\.variantID)
                + (outcomes[CampaignDefinition.globalControlArm] != nil ? [CampaignDefinition.globalControlArm] : [])
            let empty = ArmOutcome(members: 0, conversions: 0, revenue: 0, revenueSquares: 0)
            let arms = names.map {
                CampaignArmResult(
                    arm: $0, messages: messages[$0] ?? [:], skipped: skipped[$0] ?? [:], outcome: outcomes[$0] ?? empty)
            }
            let compared = arms.filter { $0.arm != CampaignDefinition.globalControlArm }
            let reading = ExperimentReading.read(
                arms: compared.map { ($0.arm, $0.outcome) }, baseline: compared.first?.arm ?? "",
                relativeEffect: definition.minimumDetectableEffect)
            return CampaignResults(
                campaign: campaign, windowStart: windowStart, windowEnd: windowEnd, currency: program.currency,
                arms: arms, reading: reading)
        }
    }

    /// Per arm: members, members with an order in the window, and the sum and sum of squares of each member's
    /// revenue there (in the program's currency, minor units). Before the campaign started nobody converted.
    private static func armOutcomes(
        _ id: String, from start: Timestamp?, to end: Timestamp?, currency: Currency, in database: any SQLDatabase
    ) async throws -> [any SQLRow] {
        let start = start?.millisecondsSinceEpoch ?? Int64.max
        let end = end?.millisecondsSinceEpoch ?? Int64.max
        return try await database.raw(
            """
            SELECT arm, COUNT(*) AS members, CAST(SUM(converted) AS BIGINT) AS conversions,
                   CAST(SUM(revenue) AS BIGINT) AS revenue,
                   CAST(SUM(CAST(revenue AS DOUBLE PRECISION) * CAST(revenue AS DOUBLE PRECISION)) AS DOUBLE PRECISION)
                       AS squares
            FROM (
                SELECT r.arm, r.member_id, CASE WHEN COUNT(o.order_id) > 0 THEN 1 ELSE 0 END AS converted,
                       COALESCE(SUM(o.total_minor), 0) AS revenue
                FROM campaign_recipients r
                LEFT JOIN orders o ON o.member_id = r.member_id AND o.occurred_at >= \(bind: start)
                    AND o.occurred_at < \(bind: end) AND o.currency = \(bind: currency.code)
                WHERE r.campaign_id = \(bind: id)
                GROUP BY r.arm, r.member_id
            ) AS per_member
            GROUP BY arm
            """
        ).all()
    }
}
