import Foundation

/// Which members a surprise campaign may pick from. Every condition given must hold.
public struct SurpriseFilter: Sendable, Hashable, Codable {
    public var tiers: [String]?
    public var lastOrderWithinDays: Int?
    public var birthdayThisMonth: Bool?
    /// Members of this saved segment now.
    public var segmentID: String?

    public init(
        tiers: [String]? = nil, lastOrderWithinDays: Int? = nil, birthdayThisMonth: Bool? = nil,
        segmentID: String? = nil
    ) {
        self.tiers = tiers
        self.lastOrderWithinDays = lastOrderWithinDays
        self.birthdayThisMonth = birthdayThisMonth
        self.segmentID = segmentID
    }

    enum CodingKeys: String, CodingKey {
        case tiers
        case lastOrderWithinDays = "last_order_within_days"
        case birthdayThisMonth = "birthday_this_month"
        case segmentID = "segment_id"
    }
}

/// A surprise: `count` members chosen at random (reproducibly, by `seed`) from those matching `filter`,
/// each given `grant` once.
public struct SurpriseCampaign: Sendable, Hashable, Codable {
    public var campaignID: String
    public var filter: SurpriseFilter
    public var count: Int
    public var seed: UInt64
    public var grant: GrantedReward
    public var reason: String?

    public init(
        campaignID: String, filter: SurpriseFilter, count: Int, seed: UInt64, grant: GrantedReward,
        reason: String? = nil
    ) {
        self.campaignID = campaignID
        self.filter = filter
        self.count = count
        self.seed = seed
        self.grant = grant
        self.reason = reason
    }

    enum CodingKeys: String, CodingKey {
        case campaignID = "campaign_id"
        case filter, count, seed, grant, reason
    }
}

/// Who a surprise campaign picked, and whether they were given anything.
public struct SurpriseOutcome: Sendable, Hashable, Codable {
    public var campaignID: String
    public var eligible: Int
    public var selected: [String]
    public var dryRun: Bool

    public init(campaignID: String, eligible: Int, selected: [String], dryRun: Bool) {
        self.campaignID = campaignID
        self.eligible = eligible
        self.selected = selected
        self.dryRun = dryRun
    }

    enum CodingKeys: String, CodingKey {
        case campaignID = "campaign_id"
        case eligible, selected
        case dryRun = "dry_run"
    }
}

extension SurpriseCampaign {
    /// Every field that is out of range, by JSON pointer. Lengths are counted by Unicode scalar, as the
    /// API's schema counts them.
    public func problems() -> [FieldError] {
        var problems = grant.problems(at: "/grant")
        if campaignID.isEmpty || campaignID.unicodeScalars.count > 128 {
            problems.append(FieldError(pointer: "/campaign_id", detail: "must be 1 to 128 characters"))
        }
        if count < 1 || count > 100_000 {
            problems.append(FieldError(pointer: "/count", detail: "must be 1 to 100000"))
        }
        if let reason, reason.unicodeScalars.count > 1024 {
            problems.append(FieldError(pointer: "/reason", detail: "must be at most 1024 characters"))
        }
        for (index, tier) in (filter.tiers ?? []).enumerated() where tier.unicodeScalars.count > 1024 {
            problems.append(FieldError(pointer: "/filter/tiers/\(index)", detail: "must be at most 1024 characters"))
        }
        // Bounded: the look-back is taken in milliseconds, and a larger count overflowed and stopped the server.
        if let days = filter.lastOrderWithinDays, days < 0 || days > 36_500 {
            problems.append(FieldError(pointer: "/filter/last_order_within_days", detail: "must be 0 to 36500"))
        }
        if let segmentID = filter.segmentID, !SegmentDefinition.isValidID(segmentID) {
            problems.append(
                FieldError(pointer: "/filter/segment_id", detail: "must be 1 to 64 letters, digits, - or _"))
        }
        return problems
    }
}
