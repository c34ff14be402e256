import PatronCore
import PatronStore

/// The member a ticket is about, as the agent answering it needs them: who they are and their tier, their points,
/// what they bought lately, what they said before and how it was handled, their surveys, and what they allow.
struct TicketMemberResource: Encodable {
    let ticketID: String
    let member: Member
    let points: PointsSummary
    let orders: [Order]
    let feedback: [FeedbackItem]
    let tickets: [Ticket]
    let surveys: [SurveyInvitation]
    let consents: Consents
    let publicURL: String

    /// How many of each list the story shows, newest first.
    static let recent = 10

    private enum CodingKeys: String, CodingKey {
        case member, points, orders, feedback, tickets, surveys, consents
        case ticketID = "ticket_id"
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(ticketID, forKey: .ticketID)
        try container.encode(MemberResource(member: member), forKey: .member)
        try container.encode(
            PointsResource(memberID: member.id, summary: points, entries: [], nextCursor: nil), forKey: .points)
        try container.encode(orders.map { OrderResource(order: $0) }, forKey: .orders)
        try container.encode(feedback.map(FeedbackResource.init), forKey: .feedback)
        try container.encode(tickets.map(TicketResource.init), forKey: .tickets)
        try container.encode(
            surveys.map { SurveyInvitationResource(invitation: $0, publicURL: publicURL) }, forKey: .surveys)
        try container.encode(consents.current.map { ConsentResource(record: $0) }, forKey: .consents)
    }
}
