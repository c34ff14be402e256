import Hummingbird
import PatronCore
import PatronStore

/// `/v1/messages`: one message to one member through a template, sent once per key whatever retries ask; the
/// message log (all, one member's, one status's); and sending a dead or ambiguous message again.
struct MessagesController {
    let store: Store

    func addRoutes(to group: RouterGroup<PatronRequestContext>) {
        group.post("messages", use: send)
        group.get("messages", use: list)
        group.get("messages/{message_id}", use: show)
        group.post("messages/{message_id}/replay", use: replay)
        group.post("messages/replies", use: reply)
        group.get("messages/summary", use: summary)
    }

    /// How a trigger's, a campaign's or the API's messages stand: counts per state, and skips per reason.
    @Sendable func summary(_ request: Request, context: PatronRequestContext) async throws -> Response {
        try context.require(.reportsRead)
        var query = QueryReader(request)
        let source = query.string("source")
        if source == nil, !query.contains("source") {
            query.fail("source", "is required: trigger:{id}, campaign:{id} or api")
        }
        Self.check(source, "source", maxLength: 128, &query)
        try query.finish()
        let (byStatus, skipped) = try await store.messageSummary(source: source ?? "")
        return try JSONBody.response(
            MessageSummaryResource(
                source: source ?? "", total: byStatus.values.reduce(0, +), byStatus: counts(byStatus),
                skipped: counts(skipped)))
    }

    /// Queues the message (201), or answers the one queued before with the same key (200).
    @Sendable func send(_ request: Request, context: PatronRequestContext) async throws -> Response {
        try context.require(.messagesSend)
        let (body, _) = try await JSONBody.read(request, context: context)
        var reader = FieldReader(body)
        let memberID = reader.string("member_id", required: true, maxLength: 64)
        let templateID = reader.string("template_id", required: true, maxLength: 64)
        let key = reader.string("key", required: true, maxLength: 200)
        if key?.trimmingWhitespace().isEmpty == true { reader.fail("key", "must not be blank") }
        let channels = MessageChannel.readOrder("channels", nonEmpty: true, from: &reader)
        let sendAt = reader.timestamp("send_at")
        let refs = MessageRefs.read(from: &reader)
        try reader.finish()
        guard let memberID, let templateID, let key else {
            throw ValidationFailure(pointer: "/", detail: "is incomplete")
        }
        let now = store.clock.now
        let (message, created) = try await store.queueMessage(
            MessageRequest(
                naturalKey: "api:" + key, memberID: memberID, templateID: templateID, channels: channels,
                source: "api", refs: refs, dueAt: max(sendAt ?? now, now)),
            at: now)
        if created, message.dueAt <= now { store.messageAlarm.ring() }
        return try JSONBody.response(MessageResource(message: message), status: created ? .created : .ok)
    }

    @Sendable func list(_ request: Request, context: PatronRequestContext) async throws -> Response {
        try context.require(.membersRead)
        var query = QueryReader(request)
        let memberID = query.string("member_id")
        let status: MessageStatus? = query.choice("status")
        let source = query.string("source")
        Self.check(memberID, "member_id", maxLength: 64, &query)
        Self.check(source, "source", maxLength: 128, &query)
        let pagination = Pagination(reading: &query)
        try query.finish()
        let messages = try await store.messages(
            memberID: memberID, status: status, source: source, after: pagination.cursor, limit: pagination.limit + 1)
        let page = Array(messages.prefix(pagination.limit))
        let next = messages.count > pagination.limit ? page.last?.messageID : nil
        return try JSONBody.response(
            PageResource(data: page.map { MessageResource(message: $0) }, nextCursor: Pagination.encode(next)))
    }

    /// A filter's text: not blank, and no longer than the document says (counted as JSON Schema counts).
    private static func check(_ value: String?, _ name: String, maxLength: Int, _ query: inout QueryReader) {
        guard let value else { return }
        if value.trimmingWhitespace().isEmpty { query.fail(name, "must not be blank") }
        if value.unicodeScalars.count > maxLength { query.fail(name, "must be at most \(maxLength) characters") }
    }

    @Sendable func show(_ request: Request, context: PatronRequestContext) async throws -> Response {
        try context.require(.membersRead)
        let (message, attempts) = try await store.message(id: try context.parameters.require("message_id"))
        return try JSONBody.response(MessageResource(message: message, attempts: attempts))
    }

    /// A member's SMS reply, passed on by the SMS bridge: R, TD and the like withdraw their SMS marketing
    /// consent (recorded as said by SMS); anything else is only acknowledged. A number no member has changes
    /// nothing.
    @Sendable func reply(_ request: Request, context: PatronRequestContext) async throws -> Response {
        try context.require(.messagesSend)
        let (body, _) = try await JSONBody.read(request, context: context)
        var reader = FieldReader(body)
        let channel: MessageChannel? = reader.choice("channel", required: true)
        let from = reader.string("from", required: true, maxLength: 32)
        let text = reader.string("text", required: true, maxLength: 1_000)
        let receivedAt = reader.timestamp("received_at")
        if let channel, channel != .sms { reader.fail("channel", "must be sms: only SMS replies are read") }
        let phone = from.flatMap(PhoneNumber.init)
        if from != nil, phone == nil { reader.fail("from", "must be a phone number") }
        try reader.finish()
        guard let phone, let text else { throw ValidationFailure(pointer: "/", detail: "is incomplete") }
        let optOut = OptOutReply.isOptOut(text)
        var memberID: String?
        if let member = try await store.member(.phone, value: phone.e164), member.status != .erased {
            memberID = member.id
            if optOut {
                let now = store.clock.now
                let withdrawal = ConsentRecord(
                    purpose: .marketing, channel: .sms, state: .withdrawn, source: .smsReply, policyVersion: nil,
                    evidence: "SMS reply", givenAt: min(receivedAt ?? now, now))
                _ = try await store.recordConsents(
                    [withdrawal], of: member.id, recordedBy: context.actorID ?? "sms_bridge", at: now)
            }
        }
        return try JSONBody.response(
            ["member_id": memberID.map(JSONValue.string) ?? .null, "opt_out": .bool(optOut && memberID != nil)])
    }

    @Sendable func replay(_ request: Request, context: PatronRequestContext) async throws -> Response {
        try context.require(.messagesSend)
        let message = try await store.replayMessage(
            id: try context.parameters.require("message_id"), at: store.clock.now)
        store.messageAlarm.ring()
        return try JSONBody.response(MessageResource(message: message))
    }
}
