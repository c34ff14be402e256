import Hummingbird
import PatronCore
import PatronStore

/// `/v1/feedback`: what customers say, from every channel (idempotent on `feedback_id`), and reading it back.
struct FeedbackController {
    let store: Store

    func addRoutes(to group: RouterGroup<PatronRequestContext>) {
        group.post("feedback", use: create)
        group.get("feedback", use: list)
        group.get("feedback/{feedback_id}", use: show)
    }

    /// 201 with the assessed item the first time; 200 with the same body for a replay. A member's own token may
    /// give that member's feedback.
    @Sendable func create(_ request: Request, context: PatronRequestContext) async throws -> Response {
        let (body, _) = try await JSONBody.read(request, context: context)
        let submission = try FeedbackSubmission.parse(body, receivedAt: store.clock.now)
        if case .member(let own) = context.principal {
            guard submission.memberID == own else {
                throw ValidationFailure(pointer: "/member_id", detail: "must be the member the token was issued for")
            }
        } else {
            try context.require(.feedbackWrite)
            try context.requireStore(submission.storeID)
        }
        let (item, isReplay) = try await store.recordFeedback(submission, fingerprint: Fingerprint.of(body))
        return try JSONBody.response(FeedbackResource(item: item), status: isReplay ? .ok : .created)
    }

    @Sendable func show(_ request: Request, context: PatronRequestContext) async throws -> Response {
        try context.require(.feedbackRead)
        let feedbackID = try context.parameters.require("feedback_id")
        guard let item = try await store.feedback(id: feedbackID) else {
            throw Problem.notFound("no feedback with id '\(feedbackID)'")
        }
        return try JSONBody.response(FeedbackResource(item: item))
    }

    /// Newest first; `member_id` and `severity` narrow it.
    @Sendable func list(_ request: Request, context: PatronRequestContext) async throws -> Response {
        try context.require(.feedbackRead)
        var query = QueryReader(request)
        let memberID = query.identifier("member_id")
        let severity: FeedbackSeverity? = query.choice("severity")
        let pagination = Pagination(reading: &query)
        try query.finish()
        let page = try await store.feedback(
            memberID: memberID, severity: severity, after: pagination.cursor, limit: pagination.limit)
        return try JSONBody.response(
            PageResource(data: page.items.map(FeedbackResource.init), nextCursor: Pagination.encode(page.nextCursor)))
    }
}
