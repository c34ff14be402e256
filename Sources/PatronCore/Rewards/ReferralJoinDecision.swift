/// What joining with a referral code comes to.
public enum ReferralJoinDecision: Sendable, Hashable {
    case link
    /// The same two members are linked already: answer the existing link.
    case alreadyLinked
    case refused(ReferralRefusal)
}

extension ReferralProgram {
    /// Whether the new member may be linked to the referrer, checking in a fixed order: the member's own
    /// code, an earlier link, a shared mailbox, phone or device, an order already placed, a loop, the cap.
    public func decide(_ facts: ReferralJoinFacts) -> ReferralJoinDecision {
        if facts.refereeID == facts.referrerID { return .refused(.selfReferral) }
        if let existing = facts.existingReferrerID {
            return existing == facts.referrerID ? .alreadyLinked : .refused(.alreadyReferred)
        }
        let mailboxes = Set(facts.refereeEmails.map(\.mailbox))
        if let mailbox = facts.referrerEmail?.mailbox, mailboxes.contains(mailbox) { return .refused(.selfReferral) }
        if let phone = facts.referrerPhone, facts.refereePhones.contains(phone) { return .refused(.selfReferral) }
        if facts.sharesReferrerDevice { return .refused(.selfReferral) }
        if facts.refereeHasOrdered { return .refused(.notNew) }
        if facts.referrerAncestors.contains(facts.refereeID) { return .refused(.loop) }
        if facts.referrerReferrals >= maxReferralsPerMember { return .refused(.referrerCapReached) }
        return .link
    }
}
