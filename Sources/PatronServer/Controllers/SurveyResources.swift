import PatronCore
import PatronStore

/// A survey invitation as the API shows it, with the link to send.
struct SurveyInvitationResource: Encodable {
    let invitation: SurveyInvitation
    let publicURL: String

    private enum CodingKeys: String, CodingKey {
        case kind, reason, channel, language, url
        case invitationID = "invitation_id"
        case memberID = "member_id"
        case orderID = "order_id"
        case ticketID = "ticket_id"
        case storeID = "store_id"
        case createdBy = "created_by"
        case createdAt = "created_at"
        case expiresAt = "expires_at"
        case answeredAt = "answered_at"
        case answerValue = "answer_value"
        case feedbackID = "feedback_id"
    }

    func encode(to encoder: any Encoder) throws {
        let basis = invitation.basis
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(invitation.invitationID, forKey: .invitationID)
        try container.encode(basis.memberID, forKey: .memberID)
        try container.encode(basis.kind.rawValue, forKey: .kind)
        try container.encode(invitation.reason.rawValue, forKey: .reason)
        try container.encode(basis.orderID, forKey: .orderID)
        try container.encode(basis.ticketID, forKey: .ticketID)
        try container.encode(basis.storeID, forKey: .storeID)
        try container.encode(invitation.channel, forKey: .channel)
        try container.encode(basis.language, forKey: .language)
        try container.encode(invitation.createdBy, forKey: .createdBy)
        try container.encode(invitation.createdAt, forKey: .createdAt)
        try container.encode(invitation.expiresAt, forKey: .expiresAt)
        try container.encode(invitation.answeredAt, forKey: .answeredAt)
        try container.encode(invitation.answerValue, forKey: .answerValue)
        try container.encode(invitation.feedbackID, forKey: .feedbackID)
        try container.encode(publicURL + "/s/" + invitation.token, forKey: .url)
    }
}

/// One group's figures in a survey report.
struct SurveySummaryResource: Encodable {
    let group: String?
    let summary: SurveySummary

    private struct Count: Encodable {
        let value: Int
        let answers: Int
    }

    private struct Interval: Encodable {
        let low: Double
        let high: Double
    }

    private enum CodingKeys: String, CodingKey {
        case group, invited, answered, counts, mean, score, interval
        case responseRate = "response_rate"
        case favourableShare = "favourable_share"
        case middleShare = "middle_share"
        case unfavourableShare = "unfavourable_share"
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(group, forKey: .group)
        try container.encode(summary.invited, forKey: .invited)
        try container.encode(summary.answered, forKey: .answered)
        try container.encode(summary.responseRate, forKey: .responseRate)
        try container.encode(
            zip(summary.kind.scale, summary.counts).map { Count(value: $0, answers: $1) }, forKey: .counts)
        try container.encode(summary.mean, forKey: .mean)
        try container.encode(summary.score, forKey: .score)
        try container.encode(
            summary.interval.map { Interval(low: $0.lowerBound, high: $0.upperBound) }, forKey: .interval)
        try container.encode(summary.favourableShare, forKey: .favourableShare)
        try container.encode(summary.middleShare, forKey: .middleShare)
        try container.encode(summary.unfavourableShare, forKey: .unfavourableShare)
    }
}

/// A survey report: one kind of question over a period, for everyone or per group.
struct SurveyReportResource: Encodable {
    let kind: SurveyKind
    let from: CalendarDate
    let to: CalendarDate
    let by: SurveyGrouping?
    let groups: [SurveySummaryResource]

    private enum CodingKeys: String, CodingKey {
        case kind, from, to, by, groups
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(kind.rawValue, forKey: .kind)
        try container.encode(from.isoString, forKey: .from)
        try container.encode(to.isoString, forKey: .to)
        try container.encode(by?.rawValue, forKey: .by)
        try container.encode(groups, forKey: .groups)
    }
}
