import PatronCore
import PatronStore

/// A ticket as the API shows it: its deadlines always, its messages and history when read alone.
struct TicketResource: Encodable {
    let ticket: Ticket

    private enum CodingKeys: String, CodingKey {
        case subject, priority, state, queue, assignee, deadlines, messages, events
        case assignedAt = "assigned_at"
        case mergedInto = "merged_into"
        case ticketID = "ticket_id"
        case memberID = "member_id"
        case feedbackID = "feedback_id"
        case storeID = "store_id"
        case openedBy = "opened_by"
        case openedAt = "opened_at"
        case firstRespondedAt = "first_responded_at"
        case resolvedAt = "resolved_at"
        case closedAt = "closed_at"
    }

    private enum DeadlineKeys: String, CodingKey {
        case kind
        case targetMinutes = "target_minutes"
        case warnAt = "warn_at"
        case dueAt = "due_at"
        case warnedAt = "warned_at"
        case breachedAt = "breached_at"
        case metAt = "met_at"
    }

    private enum MessageKeys: String, CodingKey {
        case kind, author, body
        case messageID = "message_id"
        case createdAt = "created_at"
    }

    private enum EventKeys: String, CodingKey {
        case kind, detail, actor, at
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(ticket.ticketID, forKey: .ticketID)
        try container.encode(ticket.memberID, forKey: .memberID)
        try container.encode(ticket.feedbackID, forKey: .feedbackID)
        try container.encode(ticket.subject, forKey: .subject)
        try container.encode(ticket.priority.rawValue, forKey: .priority)
        try container.encode(ticket.state.rawValue, forKey: .state)
        try container.encode(ticket.queue, forKey: .queue)
        try container.encode(ticket.assignee, forKey: .assignee)
        try container.encode(ticket.assignedAt, forKey: .assignedAt)
        try container.encode(ticket.mergedInto, forKey: .mergedInto)
        try container.encode(ticket.storeID, forKey: .storeID)
        try container.encode(ticket.openedBy, forKey: .openedBy)
        try container.encode(ticket.openedAt, forKey: .openedAt)
        try container.encode(ticket.firstRespondedAt, forKey: .firstRespondedAt)
        try container.encode(ticket.resolvedAt, forKey: .resolvedAt)
        try container.encode(ticket.closedAt, forKey: .closedAt)
        var deadlines = container.nestedUnkeyedContainer(forKey: .deadlines)
        for deadline in ticket.deadlines {
            var nested = deadlines.nestedContainer(keyedBy: DeadlineKeys.self)
            try nested.encode(deadline.kind.rawValue, forKey: .kind)
            try nested.encode(deadline.targetMinutes, forKey: .targetMinutes)
            try nested.encode(deadline.warnAt, forKey: .warnAt)
            try nested.encode(deadline.dueAt, forKey: .dueAt)
            try nested.encode(deadline.warnedAt, forKey: .warnedAt)
            try nested.encode(deadline.breachedAt, forKey: .breachedAt)
            try nested.encode(deadline.metAt, forKey: .metAt)
        }
        var messages = container.nestedUnkeyedContainer(forKey: .messages)
        for message in ticket.messages {
            var nested = messages.nestedContainer(keyedBy: MessageKeys.self)
            try nested.encode(message.messageID, forKey: .messageID)
            try nested.encode(message.kind.rawValue, forKey: .kind)
            try nested.encode(message.author, forKey: .author)
            try nested.encode(message.body, forKey: .body)
            try nested.encode(message.createdAt, forKey: .createdAt)
        }
        var events = container.nestedUnkeyedContainer(forKey: .events)
        for event in ticket.events {
            var nested = events.nestedContainer(keyedBy: EventKeys.self)
            try nested.encode(event.kind, forKey: .kind)
            try nested.encode(event.detail, forKey: .detail)
            try nested.encode(event.actor, forKey: .actor)
            try nested.encode(event.at, forKey: .at)
        }
    }
}

/// A ticket queue: who works it and what waits in it.
struct TicketQueueResource: Encodable {
    let queue: TicketQueue

    private enum CodingKeys: String, CodingKey {
        case queue, members, waiting, unassigned
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(queue.queue, forKey: .queue)
        try container.encode(queue.members, forKey: .members)
        try container.encode(queue.waiting, forKey: .waiting)
        try container.encode(queue.unassigned, forKey: .unassigned)
    }
}
