import Hummingbird
import PatronCore
import PatronStore

/// `/v1/tickets`: service tickets — opened by feedback that needs a person or by an agent — their messages,
/// states and deadlines.
struct TicketsController {
    let store: Store
    let publicURL: String

    func addRoutes(to group: RouterGroup<PatronRequestContext>) {
        group.post("tickets", use: create)
        group.get("tickets", use: list)
        group.get("tickets/{ticket_id}", use: show)
        group.get("tickets/{ticket_id}/member", use: member)
        group.post("tickets/{ticket_id}/messages", use: addMessage)
        group.post("tickets/{ticket_id}/state", use: move)
        group.post("tickets/{ticket_id}/compensation", use: compensate)
        group.post("tickets/{ticket_id}/assignment", use: reassign)
        group.post("tickets/{ticket_id}/merge", use: merge)
        group.get("ticket-queues", use: queues)
        group.put("ticket-queues/{queue}", use: setQueue)
    }

    @Sendable func create(_ request: Request, context: PatronRequestContext) async throws -> Response {
        try context.require(.ticketsWrite)
        let key = try request.idempotencyKey()
        let (body, _) = try await JSONBody.read(request, context: context)
        var reader = FieldReader(body)
        let subject = reader.string("subject", required: true, maxLength: 200)
        if subject?.trimmingWhitespace().isEmpty == true { reader.fail("subject", "must not be blank") }
        let memberID = reader.string("member_id", maxLength: 64)
        let priority: TicketPriority = reader.choice("priority") ?? .normal
        let storeID = reader.string("store_id", maxLength: 128)
        try reader.finish()
        try context.requireStore(storeID)
        let (ticket, isReplay) = try await store.openTicket(
            subject: subject ?? "", memberID: memberID, priority: priority, storeID: storeID,
            actor: context.actorID ?? "unknown", idempotencyKey: key)
        return try JSONBody.response(TicketResource(ticket: ticket), status: isReplay ? .ok : .created)
    }

    @Sendable func show(_ request: Request, context: PatronRequestContext) async throws -> Response {
        try context.require(.feedbackRead)
        let ticketID = try context.parameters.require("ticket_id")
        guard let ticket = try await store.ticket(id: ticketID) else { throw TicketError.notFound(ticketID: ticketID) }
        return try JSONBody.response(TicketResource(ticket: ticket))
    }

    /// The member the ticket is about, with their story; 404 when it is about nobody known.
    @Sendable func member(_ request: Request, context: PatronRequestContext) async throws -> Response {
        try context.require(.feedbackRead)
        let ticketID = try context.parameters.require("ticket_id")
        guard let ticket = try await store.ticket(id: ticketID) else { throw TicketError.notFound(ticketID: ticketID) }
        guard let memberID = ticket.memberID, let member = try await store.member(id: memberID),
            let points = try await store.pointsSummary(memberID: memberID, at: store.clock.now)
        else { throw Problem.notFound("ticket '\(ticketID)' is about nobody known as a member") }
        let recent = TicketMemberResource.recent
        return try JSONBody.response(
            TicketMemberResource(
                ticketID: ticketID, member: member, points: points,
                orders: try await store.orders(memberID: memberID, after: nil, limit: recent).items,
                feedback: try await store.feedback(memberID: memberID, severity: nil, after: nil, limit: recent).items,
                tickets: try await store.recentTickets(memberID: memberID, limit: recent),
                surveys: try await store.surveyInvitations(memberID: memberID, kind: nil, after: nil, limit: recent)
                    .items,
                consents: try await store.consents(of: memberID).current, publicURL: publicURL))
    }

    /// Points, a reward or both for the ticket's member, with a reason they see; no more than the person's role
    /// may adjust at a time (points and the reward's price together).
    @Sendable func compensate(_ request: Request, context: PatronRequestContext) async throws -> Response {
        try context.require(.ticketsWrite)
        try context.require(.pointsAdjust)
        let ticketID = try context.parameters.require("ticket_id")
        let key = try request.idempotencyKey()
        let (body, _) = try await JSONBody.read(request, context: context)
        var reader = FieldReader(body)
        let points = reader.integer("points")
        if let points, !(1...1_000_000_000).contains(points) { reader.fail("points", "must be 1 to 1000000000") }
        let rewardID = reader.string("reward_id", maxLength: 64)
        let reason = reader.string("reason", required: true, maxLength: 500)
        if reason?.trimmingWhitespace().isEmpty == true { reader.fail("reason", "must not be blank") }
        if reader.errors.isEmpty, points == nil, rewardID == nil {
            reader.fail("points", "is required unless reward_id is given")
        }
        try reader.finish()
        var worth = points ?? 0
        if let rewardID {
            guard let stored = try await store.reward(id: rewardID) else {
                throw ValidationFailure(pointer: "/reward_id", detail: "no reward with id '\(rewardID)'")
            }
            worth += stored.reward.costPoints
        }
        if let limit = context.principal?.adjustmentLimit, worth > limit {
            throw Problem(
                status: .forbidden, title: "Forbidden",
                detail: "your role may give at most \(limit) points' worth at a time; this is \(worth)")
        }
        let (ticket, isReplay) = try await store.compensate(
            ticket: ticketID, with: GrantedReward(points: points, rewardID: rewardID), reason: reason ?? "",
            actor: context.actorID ?? "unknown", idempotencyKey: key)
        return try JSONBody.response(TicketResource(ticket: ticket), status: isReplay ? .ok : .created)
    }

    /// Moves the ticket to another queue, whose least busy member takes it, or gives it to one person.
    @Sendable func reassign(_ request: Request, context: PatronRequestContext) async throws -> Response {
        try context.require(.ticketsWrite)
        let ticketID = try context.parameters.require("ticket_id")
        let (body, _) = try await JSONBody.read(request, context: context)
        var reader = FieldReader(body)
        let queue = reader.string("queue", maxLength: 64)
        if queue?.trimmingWhitespace().isEmpty == true { reader.fail("queue", "must not be blank") }
        let assignee = reader.string("assignee", maxLength: 64)
        if reader.errors.isEmpty, queue == nil, assignee == nil {
            reader.fail("queue", "is required unless assignee is given")
        }
        try reader.finish()
        do {
            let ticket = try await store.reassignTicket(
                ticketID, queue: queue, assignee: assignee, actor: context.actorID ?? "unknown")
            return try JSONBody.response(TicketResource(ticket: ticket))
        } catch TicketAssignmentError.notActiveStaff(let userID) {
            throw ValidationFailure(pointer: "/assignee", detail: "'\(userID)' is not an active member of staff")
        }
    }

    /// Merges this ticket, a duplicate, into `into`; answers the ticket that goes on.
    @Sendable func merge(_ request: Request, context: PatronRequestContext) async throws -> Response {
        try context.require(.ticketsWrite)
        let ticketID = try context.parameters.require("ticket_id")
        let (body, _) = try await JSONBody.read(request, context: context)
        var reader = FieldReader(body)
        let target = reader.string("into", required: true, maxLength: 64)
        try reader.finish()
        let ticket = try await store.mergeTicket(ticketID, into: target ?? "", actor: context.actorID ?? "unknown")
        return try JSONBody.response(TicketResource(ticket: ticket))
    }

    /// Every queue with its members and how many tickets wait in it.
    @Sendable func queues(_ request: Request, context: PatronRequestContext) async throws -> Response {
        try context.require(.feedbackRead)
        return try JSONBody.response(["data": try await store.ticketQueues().map(TicketQueueResource.init)])
    }

    /// Who works a queue: `{"members": ["usr_…"]}`, replacing the list.
    @Sendable func setQueue(_ request: Request, context: PatronRequestContext) async throws -> Response {
        try context.require(.staffManage)
        let queue = try context.parameters.require("queue")
        let (body, _) = try await JSONBody.read(request, context: context)
        var reader = FieldReader(body)
        if queue.unicodeScalars.count > 64 || queue.trimmingWhitespace().isEmpty {
            throw Problem.notFound("a queue's name is 1 to 64 characters, not only spaces")
        }
        let members = reader.strings("members", maxLength: 64)
        if members == nil, reader.errors.isEmpty { reader.fail("members", "is required") }
        if (members ?? []).count > 500 { reader.fail("members", "must hold at most 500 users") }
        try reader.finish()
        do {
            return try JSONBody.response(
                TicketQueueResource(queue: try await store.setTicketQueueMembers(queue, to: members ?? [])))
        } catch TicketAssignmentError.notActiveStaff(let userID) {
            throw ValidationFailure(pointer: "/members", detail: "'\(userID)' is not an active member of staff")
        }
    }

    /// Oldest first, as a queue is worked; `state`, `queue` and `member_id` narrow it.
    @Sendable func list(_ request: Request, context: PatronRequestContext) async throws -> Response {
        try context.require(.feedbackRead)
        var query = QueryReader(request)
        let state: TicketState? = query.choice("state")
        let queue = query.identifier("queue")
        let memberID = query.identifier("member_id")
        let assignee = query.identifier("assignee")
        let pagination = Pagination(reading: &query)
        try query.finish()
        let page = try await store.tickets(
            state: state, queue: queue, memberID: memberID, assignee: assignee, after: pagination.cursor,
            limit: pagination.limit)
        return try JSONBody.response(
            PageResource(data: page.items.map(TicketResource.init), nextCursor: Pagination.encode(page.nextCursor)))
    }

    @Sendable func addMessage(_ request: Request, context: PatronRequestContext) async throws -> Response {
        try context.require(.ticketsWrite)
        let ticketID = try context.parameters.require("ticket_id")
        let key = try request.idempotencyKey()
        let (body, _) = try await JSONBody.read(request, context: context)
        var reader = FieldReader(body)
        let kind: TicketMessageKind? = reader.choice("kind", required: true)
        if let kind, !TicketMessageKind.added.contains(kind) {
            reader.fail("kind", "must be one of \(TicketMessageKind.added.map(\.rawValue).joined(separator: ", "))")
        }
        let text = reader.string("body", required: true, maxLength: FeedbackSubmission.maximumTextLength)
        if text?.trimmingWhitespace().isEmpty == true { reader.fail("body", "must not be blank") }
        try reader.finish()
        guard let kind, let text else { throw ValidationFailure(pointer: "/", detail: "is incomplete") }
        let (ticket, isReplay) = try await store.addTicketMessage(
            ticketID, kind: kind, body: text, author: context.actorID ?? "unknown", idempotencyKey: key)
        return try JSONBody.response(TicketResource(ticket: ticket), status: isReplay ? .ok : .created)
    }

    @Sendable func move(_ request: Request, context: PatronRequestContext) async throws -> Response {
        try context.require(.ticketsWrite)
        let ticketID = try context.parameters.require("ticket_id")
        let (body, _) = try await JSONBody.read(request, context: context)
        var reader = FieldReader(body)
        let state: TicketState? = reader.choice("state", required: true)
        try reader.finish()
        guard let state else { throw ValidationFailure(pointer: "/state", detail: "is required") }
        let ticket = try await store.moveTicket(ticketID, to: state, actor: context.actorID ?? "unknown")
        return try JSONBody.response(TicketResource(ticket: ticket))
    }
}
