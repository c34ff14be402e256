import Crypto

/// Where a member stands in an experiment, from their id alone: the first 8 bytes of
/// SHA-256(`salt` + ":" + member id), read big-endian and divided by 2^64, give a number in [0, 1) that is
/// the same every time and anywhere (a few lines of Python reproduce it), and independent between salts.
public struct ArmAssignment: Sendable, Hashable {
    public var salt: String

    public init(salt: String) {
        self.salt = salt
    }

    /// The member's place in [0, 1).
    public func position(of memberID: String) -> Double {
        let digest = SHA256.hash(data: Array((salt + ":" + memberID).utf8))
        let word = digest.prefix(8).reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        return Double(word >> 11) / Double(UInt64(1) << 53)
    }

    /// The campaign's arm for a member: the holdout for the first `holdoutPercent` of places, then the variants
    /// in turn, each a share of the rest as large as its weight.
    public func arm(of memberID: String, in campaign: CampaignDefinition) -> String {
        let place = position(of: memberID)
        let holdout = campaign.holdoutPercent / 100
        if place < holdout { return CampaignDefinition.holdoutArm }
        // Past the holdout the places are still evenly spread: stretched back over [0, 1) they split by weight.
        let rest = (place - holdout) / (1 - holdout)
        let total = Double(campaign.variants.reduce(0) { $0 + $1.weight })
        var upTo = 0.0
        for variant in campaign.variants {
            upTo += Double(variant.weight) / total
            if rest < upTo { return variant.variantID }
        }
        return campaign.variants.last?.variantID ?? CampaignDefinition.holdoutArm
    }
}

/// A stable few percent of members who are sent no marketing at all, so the whole program's effect can be
/// measured against them.
public struct GlobalControl: Sendable, Hashable {
    /// 0 (the default): nobody is held back.
    public var percent: Double
    public var salt: String

    public init(percent: Double, salt: String) {
        self.percent = percent
        self.salt = salt
    }

    public static let off = GlobalControl(percent: 0, salt: "global-control")
    public static let maximumPercent = 20.0

    public func contains(_ memberID: String) -> Bool {
        percent > 0 && ArmAssignment(salt: salt).position(of: memberID) < percent / 100
    }
}
