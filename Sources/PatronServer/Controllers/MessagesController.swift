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
        let channelNames = reader.strings("channels", maxLength: 16)
        var channels: [MessageChannel] = []
        for (index, name) in (channelNames ?? []).enumerated() {
            guard let channel = MessageChannel(rawValue: name) else {
                reader.fail("channels/\(index)", "must be one of email, sms, wechat, push")
                continue
            }
            if channels.contains(channel) { reader.fail("channels/\(index)", "is given twice") }
            channels.append(channel)
        }
        if channelNames?.isEmpty == true { reader.fail("channels", "must name at least one channel") }
        let sendAt = reader.timestamp("send_at")
        let refs = MessageRefs.read(from: &reader)
        try reader.finish()
        guard let memberID, let templateID, let key else {
            throw ValidationFailure(pointer: "/", detail: "is incomplete")
        }
        let now = store.clock.now
        if channels.isEmpty { channels = try await store.template(id: templateID).template.channels }
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
        let pagination = Pagination(reading: &query)
        try query.finish()
        let messages = try await store.messages(
            memberID: memberID, status: status, source: source, after: pagination.cursor, limit: pagination.limit + 1)
        let page = Array(messages.prefix(pagination.limit))
        let next = messages.count > pagination.limit ? page.last?.messageID : nil
        return try JSONBody.response(
            PageResource(data: page.map { MessageResource(message: $0) }, nextCursor: Pagination.encode(next)))
    }

    @Sendable func show(_ request: Request, context: PatronRequestContext) async throws -> Response {
        try context.require(.membersRead)
        let (message, attempts) = try await store.message(id: try context.parameters.require("message_id"))
        return try JSONBody.response(MessageResource(message: message, attempts: attempts))
    }

    @Sendable func replay(_ request: Request, context: PatronRequestContext) async throws -> Response {
        try context.require(.messagesSend)
        let message = try await store.replayMessage(
            id: try context.parameters.require("message_id"), at: store.clock.now)
        store.messageAlarm.ring()
        return try JSONBody.response(MessageResource(message: message))
    }
}
