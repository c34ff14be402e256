import PatronCore
import SQLKit

/// One event's delivery to one endpoint, as the delivery log shows it.
public struct WebhookDeliveryRecord: Sendable, Hashable {
    public var deliveryID: String
    public var endpointID: String
    /// Also the `webhook-id` header: the same on every attempt, so a receiver can drop repeats.
    public var eventID: String
    public var eventType: String
    public var status: WebhookDeliveryStatus
    public var attempts: Int64
    public var nextAttemptAt: Timestamp?
    public var lastStatus: Int64?
    public var lastError: String?
    public var createdAt: Timestamp
    public var deliveredAt: Timestamp?

    static let columns: SQLQueryString = """
        d.delivery_id, d.endpoint_id, d.event_id, e.type, d.status, d.attempts, d.next_attempt_at, d.last_status,
        d.last_error, d.created_at, d.delivered_at
        """

    init(row: any SQLRow) throws {
        deliveryID = try row.decode(column: "delivery_id", as: String.self)
        endpointID = try row.decode(column: "endpoint_id", as: String.self)
        eventID = try row.decode(column: "event_id", as: String.self)
        eventType = try row.decode(column: "type", as: String.self)
        status = try StoredValue.decode(WebhookDeliveryStatus.self, row, "status")
        attempts = try row.decode(column: "attempts", as: Int64.self)
        nextAttemptAt = try row.decode(column: "next_attempt_at", as: Int64?.self)
            .map(Timestamp.init(millisecondsSinceEpoch:))
        lastStatus = try row.decode(column: "last_status", as: Int64?.self)
        lastError = try row.decode(column: "last_error", as: String?.self)
        createdAt = Timestamp(millisecondsSinceEpoch: try row.decode(column: "created_at", as: Int64.self))
        deliveredAt = try row.decode(column: "delivered_at", as: Int64?.self).map(
            Timestamp.init(millisecondsSinceEpoch:))
    }
}

/// One attempt of a delivery.
public struct WebhookAttempt: Sendable, Hashable {
    public var attempt: Int64
    public var attemptedAt: Timestamp
    public var status: Int64?
    public var error: String?
    public var durationMilliseconds: Int64
}

/// A delivery claimed for one attempt, with everything the request needs.
public struct WebhookSend: Sendable {
    public var deliveryID: String
    public var endpointID: String
    public var eventID: String
    public var url: String
    public var body: [UInt8]
    /// This attempt's number, from 1.
    public var attempt: Int64
    /// The attempts made before the last replay, which started the retry schedule over.
    public var scheduleFrom: Int64
    /// The secrets that sign it: the current one, and the one before while a rotation overlaps.
    public var secrets: [String]
}
