/// Dick & Basu's loyalty matrix: what a member says of the shop (attitude) against what they do (behaviour).
public enum LoyaltyQuadrant: String, Sendable, Hashable, Codable, CaseIterable {
    /// Says good things and buys: the loyalty to keep.
    case `true`
    /// Says good things but buys little: loyalty waiting for a reason to buy.
    case latent
    /// Buys a lot but says little good: held by habit or price, and at risk.
    case spurious
    /// Neither.
    case none

    public init(attitudeHigh: Bool, behaviourHigh: Bool) {
        self =
            switch (attitudeHigh, behaviourHigh) {
            case (true, true): .true
            case (true, false): .latent
            case (false, true): .spurious
            case (false, false): .none
            }
    }

    /// Attitude is high for a promoter's score (9–10) or four or five stars; the latest answer within the year
    /// counts. Nil when the answer carries neither.
    public static func attitudeHigh(score: Int?, rating: Int?) -> Bool? {
        if let score { return score >= 9 }
        if let rating { return rating >= 4 }
        return nil
    }

    /// Behaviour is high when the mean of the member's recency, frequency and monetary quintile scores (1–5, so
    /// relative to the whole base) is 3.5 or more: better than the middle on the whole.
    public static func behaviourHigh(recency: Int, frequency: Int, monetary: Int) -> Bool {
        Double(recency + frequency + monetary) / 3 >= 3.5
    }

    /// How far back an answer still says what the member thinks.
    public static let attitudeDays = 365
}
