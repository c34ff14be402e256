import PatronCore

/// A service ticket as stored, with its deadlines and (when read alone) its messages and history.
public struct Ticket: Sendable, Hashable {
    public var ticketID: String
    public var memberID: String?
    public var feedbackID: String?
    public var subject: String?
    public var priority: TicketPriority
    public var state: TicketState
    /// The queue the program's routing chose (`service` unless a route says otherwise), or `supervisors` once a
    /// target was missed.
    public var queue: String
    /// The staff user who holds it, if anyone.
    public var assignee: String?
    public var assignedAt: Timestamp?
    /// The ticket this one was merged into as a duplicate (and closed).
    public var mergedInto: String?
    public var storeID: String?
    public var openedBy: String
    public var openedAt: Timestamp
    public var firstRespondedAt: Timestamp?
    public var resolvedAt: Timestamp?
    public var closedAt: Timestamp?
    public var deadlines: [TicketDeadline]
    public var messages: [TicketMessage] = []
    public var events: [TicketEvent] = []
}

/// One target a ticket runs against: when it warns and is due (nil while paused), and what became of it.
public struct TicketDeadline: Sendable, Hashable {
    public var kind: DeadlineKind
    public var targetMinutes: Int64
    public var warnAt: Timestamp?
    public var dueAt: Timestamp?
    public var warnedAt: Timestamp?
    public var breachedAt: Timestamp?
    public var metAt: Timestamp?
}

public enum TicketMessageKind: String, Sendable, Hashable, Codable, CaseIterable {
    /// From the customer.
    case customer
    /// An automatic answer from the customer's side (out of office, an auto-responder): kept, but it reopens
    /// nothing and asks for no answer, so two automatic senders never answer each other in a loop.
    case automatic
    /// A person's answer to the customer.
    case reply
    /// Internal, for the team only.
    case note
    /// Patron's own word to the customer that their feedback was received, once per ticket.
    case acknowledgement

    /// The kinds a caller may add; the acknowledgement is Patron's alone.
    public static let added: [TicketMessageKind] = [.customer, .automatic, .reply, .note]
}

public struct TicketMessage: Sendable, Hashable {
    public var messageID: String
    public var kind: TicketMessageKind
    public var author: String
    /// Nil once removed by erasure.
    public var body: String?
    public var createdAt: Timestamp
}

/// Something that happened to a ticket: opened, a state change, a warning, a missed target, an escalation.
public struct TicketEvent: Sendable, Hashable {
    public var kind: String
    public var detail: String
    public var actor: String
    public var at: Timestamp
}

public enum TicketError: Error, Sendable, Hashable {
    case notFound(ticketID: String)
    case cannotMove(ticketID: String, from: TicketState, to: TicketState)
    /// A closed ticket takes no more messages from the customer: a new one starts a new ticket.
    case closed(ticketID: String)
    /// The ticket is about nobody known as a member, so there is nobody to compensate.
    case noMember(ticketID: String)
    /// Only a ticket about the same person can be merged into another, and not into itself or a closed one.
    case cannotMerge(ticketID: String, into: String, reason: String)
}
