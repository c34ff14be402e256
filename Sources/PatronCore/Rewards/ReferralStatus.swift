/// Where a referral stands: `joined` when linked, `qualifying` once an order of at least the minimum is
/// placed (waiting out the return window), `rewarded` when both members were given their reward.
public enum ReferralStatus: String, Sendable, Hashable, Codable, CaseIterable {
    case joined, qualifying, rewarded
}
