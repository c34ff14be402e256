/// What one member of a settled referral is given, free.
public struct ReferralGrant: Sendable, Hashable {
    public var memberID: String
    public var points: Int64?
    public var rewardID: String?
    /// Recorded once per referral and member.
    public var campaignID: String
    public var reason: String

    public var grant: GrantedReward { GrantedReward(points: points, rewardID: rewardID) }
}

extension ReferralProgram {
    /// What settling `link` gives the referrer and the new member, in that order.
    public func grants(settling link: ReferralLink) -> [ReferralGrant] {
        let campaignID = "referral:\(link.refereeID)"
        return [
            ReferralGrant(
                memberID: link.referrerID, points: referrerPoints > 0 ? referrerPoints : nil,
                rewardID: referrerRewardID, campaignID: campaignID,
                reason: "referral reward for referring \(link.refereeID)"),
            ReferralGrant(
                memberID: link.refereeID, points: refereePoints > 0 ? refereePoints : nil, rewardID: refereeRewardID,
                campaignID: campaignID, reason: "referral reward for joining through \(link.referrerID)"),
        ]
    }
}
