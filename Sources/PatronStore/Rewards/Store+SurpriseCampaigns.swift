import Foundation
import PatronCore
import SQLKit

/// A surprise campaign that gave something, as the program page lists it.
public struct SurpriseCampaignRun: Sendable, Hashable {
    public var campaign: SurpriseCampaign
    /// Members who matched the filter, and those chosen and given.
    public var eligible: Int
    public var given: Int
    /// Of the rewards given, the coupons used at a till so far.
    public var used: Int
    public var actor: String?
    public var runAt: Timestamp
}

extension Store {
    /// The `limit` surprise campaigns run last, newest first.
    public func surpriseCampaigns(limit: Int) async throws -> [SurpriseCampaignRun] {
        let rows = try await database.read { database in
            try await database.raw(
                """
                SELECT s.campaign_id, s.definition, s.eligible, s.given, s.actor, s.run_at,
                       (SELECT COUNT(*) FROM redemptions r
                        WHERE r.campaign_id = s.campaign_id AND r.status = \(bind: CouponState.used.rawValue)) AS used
                FROM surprise_campaigns s ORDER BY s.run_at DESC, s.campaign_id LIMIT \(bind: Int64(limit))
                """
            ).all()
        }
        return try rows.map { row in
            SurpriseCampaignRun(
                campaign: try JSONDecoder().decode(
                    SurpriseCampaign.self, from: Data(try row.decode(column: "definition", as: String.self).utf8)),
                eligible: Int(try row.decode(column: "eligible", as: Int64.self)),
                given: Int(try row.decode(column: "given", as: Int64.self)),
                used: Int(try row.decode(column: "used", as: Int64.self)),
                actor: try row.decode(column: "actor", as: String?.self),
                runAt: Timestamp(millisecondsSinceEpoch: try row.decode(column: "run_at", as: Int64.self)))
        }
    }
}
