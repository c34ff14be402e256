import OpenAPIKit
import PatronCore
import PatronStore

/// Service tickets.
extension OpenAPIDocument {
    static var ticketPaths: [OpenAPI.Path: OpenAPI.PathItem] {
        let ticketID = pathID("ticket_id", "The ticket's id (tkt_…).")
        return [
            "/v1/tickets": .init(
                get: operation(
                    "Tickets, oldest first as a queue is worked", id: "listTickets", scope: .feedbackRead,
                    parameters: [
                        query("state", cases(TicketState.self, required: false), "Only tickets in this state."),
                        query(
                            "queue", text(maxLength: 64, nonBlank: true, required: false),
                            "Only this queue: service, or supervisors for escalated tickets."),
                        query(
                            "member_id", text(maxLength: 64, nonBlank: true, required: false),
                            "Only this member's tickets."),
                        query(
                            "assignee", text(maxLength: 64, nonBlank: true, required: false),
                            "Only the tickets this staff user holds."),
                        limit, cursor,
                    ],
                    answers: [.ok(page(of: .ticket))], failures: [(.unprocessable, "A parameter is malformed.")]),
                post: operation(
                    "Open a ticket for a person (feedback that needs an answer opens its own); its first response and "
                        + "resolution targets start at once",
                    id: "openTicket", scope: .ticketsWrite, parameters: [idempotencyKey],
                    body: input([
                        "subject": text(maxLength: 200, nonBlank: true),
                        "member_id": text(maxLength: 64, nonBlank: true, required: false),
                        "priority": cases(TicketPriority.self, required: false, description: "Default normal."),
                        "store_id": text(maxLength: 128, required: false),
                    ]),
                    answers: [.created(ref(.ticket)), .ok(ref(.ticket), "A replay of the same request")],
                    failures: [
                        (.gone, Failure.gone.meaning),
                        (.conflict, "The Idempotency-Key was used for another request."),
                        (.unprocessable, "A field is invalid, or member_id names no member."),
                    ])),
            "/v1/tickets/{ticket_id}": .init(
                get: operation(
                    "A ticket with its deadlines, messages and history", id: "getTicket", scope: .feedbackRead,
                    parameters: [ticketID], answers: [.ok(ref(.ticket))],
                    failures: [(.notFound, "No ticket has this id.")])),
            "/v1/tickets/{ticket_id}/messages": .init(
                post: operation(
                    "Add a message: a reply meets the response targets; the customer's message reopens a pending or "
                        + "resolved ticket and starts the next response target; a note is for the team only",
                    id: "addTicketMessage", scope: .ticketsWrite, parameters: [ticketID, idempotencyKey],
                    body: input([
                        "kind": choice(
                            TicketMessageKind.added.map(\.rawValue),
                            description:
                                "customer: what the customer said; automatic: an automatic answer from their side, "
                                + "kept but reopening nothing; reply: a person's answer; note: for the team."),
                        "body": text(maxLength: FeedbackSubmission.maximumTextLength, nonBlank: true),
                    ]),
                    answers: [.created(ref(.ticket)), .ok(ref(.ticket), "A replay of the same request")],
                    failures: [
                        (.notFound, "No ticket has this id."),
                        (.conflict, "The ticket is closed, or the Idempotency-Key was used for another request."),
                        (.gone, "The ticket's member was erased: nothing new is written about them."),
                    ])),
            "/v1/tickets/{ticket_id}/compensation": .init(
                post: operation(
                    "Make good on a ticket: points, a reward or both for its member, with a reason the member sees on "
                        + "the points and the reward; needs points:adjust too, and a person gives no more than their "
                        + "role may adjust at a time (the points and the reward's price together)",
                    id: "compensateTicket", scope: .ticketsWrite, parameters: [ticketID, idempotencyKey],
                    body: JSONSchema.all(of: [
                        input([
                            "points": integer(1, 1_000_000_000, required: false),
                            "reward_id": text(maxLength: 64, required: false),
                            "reason": text(maxLength: 500, nonBlank: true),
                        ]),
                        .any(of: [
                            .object(properties: ["points": .integer]), .object(properties: ["reward_id": .string]),
                        ]),
                    ]),
                    answers: [.created(ref(.ticket)), .ok(ref(.ticket), "A replay of the same request")],
                    failures: [
                        (.notFound, "No ticket has this id."),
                        (
                            .conflict,
                            "The ticket is about nobody known as a member, the reward cannot be given to them, or the "
                                + "Idempotency-Key was used for another request."
                        ),
                        (.gone, "The ticket's member was erased."),
                        (
                            .unprocessable,
                            "A field is invalid, neither points nor reward_id is given, or no reward has that id."
                        ),
                    ])),
            "/v1/tickets/{ticket_id}/assignment": .init(
                post: operation(
                    "Move a ticket to another queue, whose least busy member takes it, or give it to one person",
                    id: "reassignTicket", scope: .ticketsWrite, parameters: [ticketID],
                    body: JSONSchema.all(of: [
                        input([
                            "queue": text(maxLength: 64, nonBlank: true, required: false),
                            "assignee": text(
                                maxLength: 64, nonBlank: true, required: false,
                                description: "An active staff user's id (usr_…)."),
                        ]),
                        .any(of: [
                            .object(properties: ["queue": .string]), .object(properties: ["assignee": .string]),
                        ]),
                    ]),
                    answers: [.ok(ref(.ticket))],
                    failures: [
                        (.notFound, "No ticket has this id."),
                        (.unprocessable, "A field is invalid, or the assignee is not an active member of staff."),
                    ])),
            "/v1/tickets/{ticket_id}/merge": .init(
                post: operation(
                    "Merge this ticket, a duplicate, into another about the same person: its messages are copied "
                        + "there, it stops its clocks and is closed, pointing at the other; answers the ticket that "
                        + "goes on, and merging again into the same ticket changes nothing",
                    id: "mergeTicket", scope: .ticketsWrite, parameters: [ticketID],
                    body: input(["into": text(maxLength: 64, nonBlank: true, description: "The ticket that goes on.")]),
                    answers: [.ok(ref(.ticket))],
                    failures: [
                        (.notFound, "No ticket has this id, or none has the id in `into`."),
                        (
                            .conflict,
                            "The tickets are the same, about different people, or one of them is closed."
                        ),
                    ])),
            "/v1/ticket-queues": .init(
                get: operation(
                    "Ticket queues: who works each, and how many open and pending tickets wait in it (and how many "
                        + "of those nobody holds)",
                    id: "listTicketQueues", scope: .feedbackRead,
                    answers: [.ok(object(["data": list(ref(.ticketQueue))]))])),
            "/v1/ticket-queues/{queue}": .init(
                put: operation(
                    "Set who works a queue (replacing the list); a ticket entering the queue goes to the member "
                        + "holding the fewest open and pending tickets, among equals the one given one longest ago",
                    id: "setTicketQueue", scope: .staffManage,
                    parameters: [pathID("queue", "The queue's name, as the program's routing names it.")],
                    body: input(["members": list(text(maxLength: 64, nonBlank: true), maxItems: 500)]),
                    answers: [.ok(ref(.ticketQueue))],
                    failures: [
                        (.notFound, "The queue's name is blank or longer than 64 characters."),
                        (.unprocessable, "A member is not an active member of staff."),
                    ])),
            "/v1/tickets/{ticket_id}/member": .init(
                get: operation(
                    "The member the ticket is about, as the agent answering needs them: profile and tier, points, "
                        + "the latest \(TicketMemberResource.recent) orders, feedback, tickets and survey "
                        + "invitations (newest first), and the consents in force",
                    id: "getTicketMember", scope: .feedbackRead, parameters: [ticketID],
                    answers: [.ok(ref(.ticketMember))],
                    failures: [(.notFound, "No ticket has this id, or it is about nobody known as a member.")])),
            "/v1/tickets/{ticket_id}/state": .init(
                post: operation(
                    "Move a ticket: pending stops its clock until the customer answers or it is opened again, "
                        + "resolved meets every target, closed ends it; moving to its own state changes nothing",
                    id: "moveTicket", scope: .ticketsWrite, parameters: [ticketID],
                    body: input(["state": cases(TicketState.self)]),
                    answers: [.ok(ref(.ticket))],
                    failures: [
                        (.notFound, "No ticket has this id."),
                        (.conflict, "The ticket cannot move from its state to this one."),
                    ])),
        ]
    }

    static var ticketSchemas: [SchemaName: JSONSchema] {
        [
            .ticketQueue: object([
                "queue": output(), "members": list(output()), "waiting": count(), "unassigned": count(),
            ]),
            .ticketMember: object([
                "ticket_id": output(), "member": ref(.member), "points": ref(.points), "orders": list(ref(.order)),
                "feedback": list(ref(.feedback)), "tickets": list(ref(.ticket)),
                "surveys": list(ref(.surveyInvitation)), "consents": list(ref(.consent)),
            ]),
            .ticket: object([
                "ticket_id": output(), "member_id": output(nullable: true), "feedback_id": output(nullable: true),
                "subject": output(nullable: true), "priority": cases(TicketPriority.self),
                "state": cases(TicketState.self), "queue": output(),
                "assignee": output(nullable: true, description: "The staff user who holds it."),
                "assigned_at": timestamp(nullable: true),
                "merged_into": output(nullable: true, description: "The ticket this duplicate was merged into."),
                "store_id": output(nullable: true),
                "opened_by": output(), "opened_at": timestamp(), "first_responded_at": timestamp(nullable: true),
                "resolved_at": timestamp(nullable: true), "closed_at": timestamp(nullable: true),
                "deadlines": list(
                    object([
                        "kind": cases(DeadlineKind.self), "target_minutes": count(),
                        "warn_at": timestamp(nullable: true, description: "Null while the clock is stopped."),
                        "due_at": timestamp(nullable: true, description: "Null while the clock is stopped."),
                        "warned_at": timestamp(nullable: true), "breached_at": timestamp(nullable: true),
                        "met_at": timestamp(nullable: true),
                    ])),
                "messages": list(
                    object([
                        "message_id": output(), "kind": cases(TicketMessageKind.self), "author": output(),
                        "body": output(nullable: true), "created_at": timestamp(),
                    ]), description: "Listed when the ticket is read alone."),
                "events": list(
                    object(["kind": output(), "detail": output(), "actor": output(), "at": timestamp()]),
                    description: "Listed when the ticket is read alone."),
            ]),
        ]
    }
}
