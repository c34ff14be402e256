/// The standard questions Patron asks, each on its own scale.
public enum SurveyKind: String, Sendable, Hashable, Codable, CaseIterable {
    /// Net Promoter Score: how likely, 0–10, to recommend the shop to a friend.
    case nps
    /// Customer satisfaction: 1–5, how satisfied with the purchase or the service.
    case csat
    /// Customer effort: 1–7, how far the person agrees that the shop made it easy.
    case ces

    public var scale: ClosedRange<Int> {
        switch self {
        case .nps: 0...10
        case .csat: 1...5
        case .ces: 1...7
        }
    }

    /// The answer as feedback: an NPS answer is a score and a CSAT answer a rating, so both are assessed (and open
    /// tickets) as any score or rating does; effort has no place there and travels as a tag only.
    public func feedback(
        _ answer: SurveyAnswer, invitation: SurveyInvitationBasis, feedbackID: String, at now: Timestamp
    ) -> FeedbackSubmission {
        FeedbackSubmission(
            feedbackID: feedbackID, channel: .survey, memberID: invitation.memberID, orderID: invitation.orderID,
            storeID: invitation.storeID, rating: self == .csat ? answer.value : nil,
            score: self == .nps ? answer.value : nil, text: answer.comment, language: invitation.language,
            tags: ["survey:\(rawValue)", "\(rawValue):\(answer.value)"], submittedAt: now)
    }
}

/// What an invitation says about whom it asks and about what.
public struct SurveyInvitationBasis: Sendable, Hashable {
    public var memberID: String
    public var kind: SurveyKind
    public var orderID: String?
    public var ticketID: String?
    public var storeID: String?
    /// `zh` or `en`: the language the page asks in.
    public var language: String

    public init(
        memberID: String, kind: SurveyKind, orderID: String? = nil, ticketID: String? = nil, storeID: String? = nil,
        language: String
    ) {
        self.memberID = memberID
        self.kind = kind
        self.orderID = orderID
        self.ticketID = ticketID
        self.storeID = storeID
        self.language = language
    }

    /// The languages the answer page speaks.
    public static let languages = ["zh", "en"]
}

/// A person's answer: a value on the kind's scale and, if they wrote one, why.
public struct SurveyAnswer: Sendable, Hashable {
    public var value: Int
    public var comment: String?

    public init(value: Int, comment: String?) {
        self.value = value
        self.comment = comment
    }

    /// Validates an answer to a question of `kind`; a blank comment is no comment.
    public static func parse(value: Int?, comment: String?, kind: SurveyKind) throws(ValidationFailure) -> SurveyAnswer
    {
        guard let value else { throw ValidationFailure(pointer: "/value", detail: "is required") }
        guard kind.scale.contains(value) else {
            throw ValidationFailure(
                pointer: "/value", detail: "must be \(kind.scale.lowerBound) to \(kind.scale.upperBound)")
        }
        if let comment, comment.count > FeedbackSubmission.maximumTextLength {
            throw ValidationFailure(
                pointer: "/comment", detail: "must be at most \(FeedbackSubmission.maximumTextLength) characters")
        }
        let kept = comment.flatMap { $0.trimmingWhitespace().isEmpty ? nil : $0 }
        return SurveyAnswer(value: value, comment: kept)
    }
}

/// Why an invitation was made.
public enum SurveyReason: String, Sendable, Hashable, Codable, CaseIterable {
    /// Asked for through the API or the command line.
    case request
    /// A ticket was resolved: how satisfied was the person with the service?
    case ticket
    /// Some days after an order in the program's sample.
    case order
    /// Asked of a segment now and then, about the relationship as a whole (`patron surveys send`).
    case relationship

    /// Reasons held back by the program's interval between two surveys of one member.
    public var isPaced: Bool { self == .order || self == .relationship }
}
