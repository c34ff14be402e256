/// The Net Promoter Score of a set of 0–10 survey answers.
///
/// Promoters answer 9–10, passives 7–8 and detractors 0–6; the score is the percentage of promoters minus the
/// percentage of detractors, from −100 to +100.
public struct NetPromoterScore: Sendable, Hashable, Codable {
    /// Below this many responses the score is too noisy to act on, and ``isSmallSample`` says so.
    public static let minimumReliableResponses = 30

    /// Answers of 9 or 10.
    public let promoters: Int
    /// Answers of 7 or 8.
    public let passives: Int
    /// Answers of 0 to 6.
    public let detractors: Int

    /// Why a score could not be computed.
    public enum Error: Swift.Error, Hashable, CustomStringConvertible {
        /// An answer outside 0…10.
        case ratingOutOfRange(rating: Int, position: Int)

        public var description: String {
            switch self {
            case .ratingOutOfRange(let rating, let position):
                "rating \(rating) at position \(position) is outside 0…10"
            }
        }
    }

    /// Counts the answers.
    public init(ratings: some Sequence<Int>) throws(Error) {
        var promoters = 0
        var passives = 0
        var detractors = 0
        for (position, rating) in ratings.enumerated() {
            switch rating {
            case 9...10: promoters += 1
            case 7...8: passives += 1
            case 0...6: detractors += 1
            default: throw .ratingOutOfRange(rating: rating, position: position)
            }
        }
        self.init(promoters: promoters, passives: passives, detractors: detractors)
    }

    /// Creates a score from counts.
    public init(promoters: Int, passives: Int, detractors: Int) {
        self.promoters = promoters
        self.passives = passives
        self.detractors = detractors
    }

    /// All answers.
    public var responses: Int { promoters + passives + detractors }

    /// % promoters − % detractors, or nil when there are no responses.
    public var score: Double? {
        guard responses > 0 else { return nil }
        return 100 * Double(promoters - detractors) / Double(responses)
    }

    /// Whether the score rests on fewer than ``minimumReliableResponses`` answers.
    public var isSmallSample: Bool { responses < Self.minimumReliableResponses }
}
