/// A reward a grant could not issue, and every reason why. The points of the grant were still given.
public struct GrantSkip: Sendable, Hashable {
    public var memberID: String
    public var rewardID: String
    public var campaignID: String
    public var refusals: [RedemptionRefusal]

    public init(memberID: String, rewardID: String, campaignID: String, refusals: [RedemptionRefusal]) {
        self.memberID = memberID
        self.rewardID = rewardID
        self.campaignID = campaignID
        self.refusals = refusals
    }

    /// "LATER for mem_1: the reward is not offered at this time".
    public var summary: String {
        "\(rewardID) for \(memberID): " + refusals.map(\.detail).joined(separator: "; ")
    }
}
