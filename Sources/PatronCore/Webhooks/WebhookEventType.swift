/// What happened, as a webhook names it: `resource.past_tense`, the convention of Standard Webhooks payloads.
/// Each event names members by id only; an integrator who needs more reads it through the API.
public enum WebhookEventType: String, Sendable, Hashable, Codable, CaseIterable {
    case orderRecorded = "order.recorded"
    case pointsEarned = "points.earned"
    case pointsSpent = "points.spent"
    case pointsExpired = "points.expired"
    /// Points added or taken back otherwise: by hand, a refund's reversal, a cancelled award or redemption.
    case pointsAdjusted = "points.adjusted"
    case tierChanged = "tier.changed"
    case rewardRedeemed = "reward.redeemed"
    case couponUsed = "coupon.used"
    case referralRewarded = "referral.rewarded"
    case feedbackReceived = "feedback.received"
    case ticketBreached = "ticket.breached"
    case memberErased = "member.erased"

    /// The event a points journal entry of `kind` raises; none for a settlement, which moves no points.
    public init?(entryKind kind: PointEntryKind) {
        switch kind {
        case .earn: self = .pointsEarned
        case .spend: self = .pointsSpent
        case .expire: self = .pointsExpired
        case .reverse, .adjust, .cancel, .restore: self = .pointsAdjusted
        case .settle: return nil
        }
    }
}
