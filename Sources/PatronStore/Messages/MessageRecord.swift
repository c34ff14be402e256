import Foundation
import PatronCore
import SQLKit

/// What a message is about beyond its member, by id: loaded when it is sent, so the message holds no copy.
public struct MessageRefs: Sendable, Hashable, Codable {
    public var orderID: String?
    public var couponCode: String?
    public var ticketID: String?

    public init(orderID: String? = nil, couponCode: String? = nil, ticketID: String? = nil) {
        self.orderID = orderID
        self.couponCode = couponCode
        self.ticketID = ticketID
    }

    /// Reads `order_id`, `coupon_code` and `ticket_id` of a request.
    public static func read(from reader: inout FieldReader) -> MessageRefs {
        MessageRefs(
            orderID: reader.string("order_id", maxLength: 128), couponCode: reader.string("coupon_code", maxLength: 64),
            ticketID: reader.string("ticket_id", maxLength: 64))
    }

    enum CodingKeys: String, CodingKey {
        case orderID = "order_id"
        case couponCode = "coupon_code"
        case ticketID = "ticket_id"
    }

    /// Every key, null when absent.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(orderID, forKey: .orderID)
        try container.encode(couponCode, forKey: .couponCode)
        try container.encode(ticketID, forKey: .ticketID)
    }
}

/// A message to send: once per `naturalKey`, whatever retries ask again.
public struct MessageRequest: Sendable, Hashable {
    public var naturalKey: String
    public var memberID: String
    public var templateID: String
    /// Tried in order: the first the member can be reached on and agreed to wins.
    public var channels: [MessageChannel]
    /// What asked for it: `api`, `campaign:{id}`, `trigger:{id}`.
    public var source: String
    public var refs: MessageRefs
    public var dueAt: Timestamp

    public init(
        naturalKey: String, memberID: String, templateID: String, channels: [MessageChannel], source: String,
        refs: MessageRefs, dueAt: Timestamp
    ) {
        self.naturalKey = naturalKey
        self.memberID = memberID
        self.templateID = templateID
        self.channels = channels
        self.source = source
        self.refs = refs
        self.dueAt = dueAt
    }
}

/// A message as its log shows it.
public struct MessageRecord: Sendable, Hashable {
    public var messageID: String
    public var naturalKey: String
    public var memberID: String
    public var templateID: String
    public var templateVersion: Int64
    public var category: MessageCategory
    public var channels: [MessageChannel]
    public var source: String
    public var refs: MessageRefs
    public var status: MessageStatus
    /// The channel it went (or goes) on, once chosen.
    public var channel: MessageChannel?
    public var skipReason: SkipReason?
    public var attempts: Int64
    public var dueAt: Timestamp
    public var providerReference: String?
    public var lastError: String?
    public var createdAt: Timestamp
    public var updatedAt: Timestamp
}

/// One attempt to send a message.
public struct MessageAttempt: Sendable, Hashable {
    public var attempt: Int64
    public var channel: MessageChannel
    public var startedAt: Timestamp
    /// `sent`, `failed`, `rejected` (for good) or `ambiguous`.
    public var outcome: String
    public var detail: String?
    public var durationMilliseconds: Int64
}

public enum MessageError: Error, Sendable, Hashable {
    case notFound(String)
    /// The natural key was used before for another member or template.
    case keyReused(naturalKey: String)
    /// Only a dead or ambiguous message is sent again by hand.
    case notReplayable(messageID: String, status: MessageStatus)
}

extension MessageRecord {
    static let columns: SQLQueryString = """
        message_id, natural_key, member_id, template_id, template_version, category, channels, source, refs, status,
        channel, skip_reason, attempts, due_at, provider_reference, last_error, created_at, updated_at
        """

    init(row: any SQLRow) throws {
        let time = { (column: String) in
            Timestamp(millisecondsSinceEpoch: try row.decode(column: column, as: Int64.self))
        }
        messageID = try row.decode(column: "message_id", as: String.self)
        naturalKey = try row.decode(column: "natural_key", as: String.self)
        memberID = try row.decode(column: "member_id", as: String.self)
        templateID = try row.decode(column: "template_id", as: String.self)
        templateVersion = try row.decode(column: "template_version", as: Int64.self)
        category = MessageCategory(rawValue: try row.decode(column: "category", as: String.self)) ?? .marketing
        channels = Self.channels(try row.decode(column: "channels", as: String.self))
        source = try row.decode(column: "source", as: String.self)
        refs = try JSONDecoder().decode(
            MessageRefs.self, from: Data(try row.decode(column: "refs", as: String.self).utf8))
        status = MessageStatus(rawValue: try row.decode(column: "status", as: String.self)) ?? .queued
        channel = try row.decode(column: "channel", as: String?.self).flatMap(MessageChannel.init(rawValue:))
        skipReason = try row.decode(column: "skip_reason", as: String?.self).flatMap(SkipReason.init(rawValue:))
        attempts = try row.decode(column: "attempts", as: Int64.self)
        dueAt = try time("due_at")
        providerReference = try row.decode(column: "provider_reference", as: String?.self)
        lastError = try row.decode(column: "last_error", as: String?.self)
        createdAt = try time("created_at")
        updatedAt = try time("updated_at")
    }

    /// Channels as stored: names joined by commas, in order.
    static func channels(_ text: String) -> [MessageChannel] {
        text.split(separator: ",").compactMap { MessageChannel(rawValue: String($0)) }
    }
}
