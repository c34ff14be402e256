import Hummingbird
import PatronCore
import PatronStore

/// `/v1/surveys`: invitations to answer a question (with the signed link to send), answers by API, and reports.
struct SurveysController {
    let store: Store
    let publicURL: String

    func addRoutes(to group: RouterGroup<PatronRequestContext>) {
        group.post("surveys/invitations", use: invite)
        group.get("surveys/invitations", use: list)
        group.get("surveys/invitations/{invitation_id}", use: show)
        group.post("surveys/invitations/{invitation_id}/answer", use: answer)
        group.get("surveys/report", use: report)
    }

    @Sendable func invite(_ request: Request, context: PatronRequestContext) async throws -> Response {
        try context.require(.feedbackWrite)
        let key = try request.idempotencyKey()
        let (body, _) = try await JSONBody.read(request, context: context)
        var reader = FieldReader(body)
        let memberID = reader.string("member_id", required: true, maxLength: 64)
        let kind: SurveyKind? = reader.choice("kind", required: true)
        let orderID = reader.string("order_id", maxLength: 128)
        let storeID = reader.string("store_id", maxLength: 128)
        let channel = reader.string("channel", maxLength: 32)
        if channel?.trimmingWhitespace().isEmpty == true { reader.fail("channel", "must not be blank") }
        let language = reader.string("language", maxLength: 2) ?? "zh"
        if !SurveyInvitationBasis.languages.contains(language) {
            reader.fail("language", "must be one of \(SurveyInvitationBasis.languages.joined(separator: ", "))")
        }
        let days = reader.int("expires_in_days")
        if let days, !(1...SurveySettings.maximumLinkDays).contains(days) {
            reader.fail("expires_in_days", "must be 1 to \(SurveySettings.maximumLinkDays)")
        }
        try reader.finish()
        guard let memberID, let kind else { throw ValidationFailure(pointer: "/", detail: "is incomplete") }
        try context.requireStore(storeID)
        let basis = SurveyInvitationBasis(
            memberID: memberID, kind: kind, orderID: orderID, storeID: storeID, language: language)
        let (invitation, isReplay) = try await store.inviteToSurvey(
            basis, channel: channel, lifetimeDays: days, actor: context.actorID ?? "unknown", idempotencyKey: key)
        return try JSONBody.response(resource(invitation), status: isReplay ? .ok : .created)
    }

    @Sendable func show(_ request: Request, context: PatronRequestContext) async throws -> Response {
        try context.require(.feedbackRead)
        let invitationID = try context.parameters.require("invitation_id")
        guard let invitation = try await store.surveyInvitation(id: invitationID) else {
            throw SurveyError.notFound(invitationID: invitationID)
        }
        return try JSONBody.response(resource(invitation))
    }

    /// Newest first; `member_id` and `kind` narrow it.
    @Sendable func list(_ request: Request, context: PatronRequestContext) async throws -> Response {
        try context.require(.feedbackRead)
        var query = QueryReader(request)
        let memberID = query.identifier("member_id")
        let kind: SurveyKind? = query.choice("kind")
        let pagination = Pagination(reading: &query)
        try query.finish()
        let page = try await store.surveyInvitations(
            memberID: memberID, kind: kind, after: pagination.cursor, limit: pagination.limit)
        return try JSONBody.response(
            PageResource(data: page.items.map(resource), nextCursor: Pagination.encode(page.nextCursor)))
    }

    /// 201 with the answered invitation; 200 for the same answer again. The member's own token may answer.
    @Sendable func answer(_ request: Request, context: PatronRequestContext) async throws -> Response {
        // Permission first, so that nobody without it learns which invitations exist.
        if case .member = context.principal {} else { try context.require(.feedbackWrite) }
        let invitationID = try context.parameters.require("invitation_id")
        let (body, _) = try await JSONBody.read(request, context: context)
        var reader = FieldReader(body)
        let value = reader.int("value", required: true)
        let comment = reader.string("comment", maxLength: FeedbackSubmission.maximumTextLength)
        try reader.finish()
        guard let invitation = try await store.surveyInvitation(id: invitationID) else {
            throw SurveyError.notFound(invitationID: invitationID)
        }
        if case .member(let own) = context.principal, invitation.basis.memberID != own {
            throw SurveyError.notFound(invitationID: invitationID)
        }
        let answer = try SurveyAnswer.parse(value: value, comment: comment, kind: invitation.basis.kind)
        let (answered, isReplay) = try await store.answerSurvey(invitationID, answer: answer)
        return try JSONBody.response(resource(answered), status: isReplay ? .ok : .created)
    }

    /// One kind of question over a period: invitations made from `from` to `to`, optionally `by` a grouping.
    @Sendable func report(_ request: Request, context: PatronRequestContext) async throws -> Response {
        try context.require(.reportsRead)
        var query = QueryReader(request)
        let kind: SurveyKind? = query.choice("kind", required: true)
        let from = query.date("from", required: true)
        let to = query.date("to", required: true)
        if let from, let to, to < from { query.fail("to", "must not be before from") }
        let grouping: SurveyGrouping? = query.choice("by")
        try query.finish()
        guard let kind, let from, let to else { throw ValidationFailure(query.errors) }
        let summaries = try await store.surveySummaries(kind: kind, from: from, to: to, by: grouping)
        return try JSONBody.response(
            SurveyReportResource(
                kind: kind, from: from, to: to, by: grouping,
                groups: summaries.map { SurveySummaryResource(group: $0.group, summary: $0.summary) }))
    }

    private func resource(_ invitation: SurveyInvitation) -> SurveyInvitationResource {
        SurveyInvitationResource(invitation: invitation, publicURL: publicURL)
    }
}
