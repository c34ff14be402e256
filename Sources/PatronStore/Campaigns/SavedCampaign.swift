import Foundation
import PatronCore
import SQLKit

/// A campaign as stored: its definition and how far it got.
public struct SavedCampaign: Sendable, Hashable {
    public var campaignID: String
    /// Counts every change, for `If-Match`.
    public var version: Int64
    public var definition: CampaignDefinition
    /// Hashed with each member id to place them in an arm; chosen when the campaign is made, never changed.
    public var salt: String
    public var state: CampaignState
    /// When its audience began to be queued: its conversions count from here.
    public var startedAt: Timestamp?
    /// When the last of its audience was queued.
    public var finishedAt: Timestamp?
    /// Members the segment held when queueing began, and how many have an arm so far.
    public var audience: Int64
    public var queued: Int64
    public var createdBy: String
    public var createdAt: Timestamp
    public var updatedAt: Timestamp

    /// Where each member of its audience lands.
    public var assignment: ArmAssignment { ArmAssignment(salt: salt) }
    /// What its messages give as their source.
    public var messageSource: String { "campaign:" + campaignID }
}

public enum CampaignError: Error, Sendable, Hashable {
    case notFound(String)
    /// The campaign is at another version than the one in `If-Match`.
    case versionMismatch(current: Int64)
    /// Only a draft changes; a launched campaign is what it was when it went.
    case notDraft(campaignID: String, state: CampaignState)
    /// A cancelled campaign stays cancelled.
    case cancelled(campaignID: String)
}

extension SavedCampaign {
    static let columns: SQLQueryString = """
        campaign_id, version, definition, salt, state, started_at, finished_at, audience, queued, created_by,
        created_at, updated_at
        """

    init(row: any SQLRow) throws {
        let time = { (column: String) in
            try row.decode(column: column, as: Int64?.self).map(Timestamp.init(millisecondsSinceEpoch:))
        }
        campaignID = try row.decode(column: "campaign_id", as: String.self)
        version = try row.decode(column: "version", as: Int64.self)
        let text = try row.decode(column: "definition", as: String.self)
        definition = try CampaignDefinition.parse(try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8)))
        salt = try row.decode(column: "salt", as: String.self)
        state = CampaignState(rawValue: try row.decode(column: "state", as: String.self)) ?? .draft
        startedAt = try time("started_at")
        finishedAt = try time("finished_at")
        audience = try row.decode(column: "audience", as: Int64.self)
        queued = try row.decode(column: "queued", as: Int64.self)
        createdBy = try row.decode(column: "created_by", as: String.self)
        createdAt = try time("created_at") ?? Timestamp(millisecondsSinceEpoch: 0)
        updatedAt = try time("updated_at") ?? Timestamp(millisecondsSinceEpoch: 0)
    }
}
