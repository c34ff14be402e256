/// What the database knows when a new member joins with a referral code.
public struct ReferralJoinFacts: Sendable, Hashable {
    public var refereeID: String
    public var referrerID: String
    /// Who referred the new member already, if anyone.
    public var existingReferrerID: String?
    /// The new member's addresses: the one given at sign-up and the one on file.
    public var refereeEmails: [EmailAddress]
    public var refereePhones: [String]
    public var referrerEmail: EmailAddress?
    public var referrerPhone: String?
    /// Whether the sign-up's device was one the referrer used.
    public var sharesReferrerDevice: Bool
    public var refereeHasOrdered: Bool
    /// The referrer's referrer, theirs, and so on up the chain.
    public var referrerAncestors: [String]
    /// Referrals the referrer already has.
    public var referrerReferrals: Int

    public init(
        refereeID: String, referrerID: String, existingReferrerID: String?, refereeEmails: [EmailAddress],
        refereePhones: [String], referrerEmail: EmailAddress?, referrerPhone: String?, sharesReferrerDevice: Bool,
        refereeHasOrdered: Bool, referrerAncestors: [String], referrerReferrals: Int
    ) {
        self.refereeID = refereeID
        self.referrerID = referrerID
        self.existingReferrerID = existingReferrerID
        self.refereeEmails = refereeEmails
        self.refereePhones = refereePhones
        self.referrerEmail = referrerEmail
        self.referrerPhone = referrerPhone
        self.sharesReferrerDevice = sharesReferrerDevice
        self.refereeHasOrdered = refereeHasOrdered
        self.referrerAncestors = referrerAncestors
        self.referrerReferrals = referrerReferrals
    }
}
