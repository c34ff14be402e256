import PatronCore
import PatronStore

/// A webhook endpoint as the API shows it; `secret` only in the answer that made it.
struct WebhookEndpointResource: Encodable {
    let endpoint: WebhookEndpoint
    var secret: String?

    private enum CodingKeys: String, CodingKey {
        case url, description, enabled, revision, secret
        case endpointID = "endpoint_id"
        case eventTypes = "event_types"
        case disabledAt = "disabled_at"
        case disabledReason = "disabled_reason"
        case failingSince = "failing_since"
        case previousSecretUntil = "previous_secret_until"
        case createdBy = "created_by"
        case createdAt = "created_at"
        case updatedAt = "updated_at"
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(endpoint.endpointID, forKey: .endpointID)
        try container.encode(endpoint.url, forKey: .url)
        try container.encode(endpoint.description, forKey: .description)
        try container.encode(endpoint.eventTypes.map(\.rawValue), forKey: .eventTypes)
        try container.encode(endpoint.isEnabled, forKey: .enabled)
        try container.encode(endpoint.disabledAt, forKey: .disabledAt)
        try container.encode(endpoint.disabledReason, forKey: .disabledReason)
        try container.encode(endpoint.failingSince, forKey: .failingSince)
        try container.encode(endpoint.previousSecretUntil, forKey: .previousSecretUntil)
        try container.encode(endpoint.revision, forKey: .revision)
        try container.encode(endpoint.createdBy, forKey: .createdBy)
        try container.encode(endpoint.createdAt, forKey: .createdAt)
        try container.encode(endpoint.updatedAt, forKey: .updatedAt)
        try container.encodeIfPresent(secret, forKey: .secret)
    }
}

/// One delivery of the log, with its attempts when one delivery is asked for.
struct WebhookDeliveryResource: Encodable {
    let delivery: WebhookDeliveryRecord
    var attempts: [WebhookAttempt]?

    private enum CodingKeys: String, CodingKey {
        case status, attempts
        case deliveryID = "delivery_id"
        case endpointID = "endpoint_id"
        case eventID = "event_id"
        case eventType = "event_type"
        case attemptCount = "attempt_count"
        case nextAttemptAt = "next_attempt_at"
        case lastStatus = "last_status"
        case lastError = "last_error"
        case createdAt = "created_at"
        case deliveredAt = "delivered_at"
    }

    private enum AttemptKeys: String, CodingKey {
        case attempt, status, error
        case attemptedAt = "attempted_at"
        case durationMilliseconds = "duration_ms"
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(delivery.deliveryID, forKey: .deliveryID)
        try container.encode(delivery.endpointID, forKey: .endpointID)
        try container.encode(delivery.eventID, forKey: .eventID)
        try container.encode(delivery.eventType, forKey: .eventType)
        try container.encode(delivery.status.rawValue, forKey: .status)
        try container.encode(delivery.attempts, forKey: .attemptCount)
        try container.encode(delivery.nextAttemptAt, forKey: .nextAttemptAt)
        try container.encode(delivery.lastStatus, forKey: .lastStatus)
        try container.encode(delivery.lastError, forKey: .lastError)
        try container.encode(delivery.createdAt, forKey: .createdAt)
        try container.encode(delivery.deliveredAt, forKey: .deliveredAt)
        guard let attempts else { return }
        var list = container.nestedUnkeyedContainer(forKey: .attempts)
        for attempt in attempts {
            var item = list.nestedContainer(keyedBy: AttemptKeys.self)
            try item.encode(attempt.attempt, forKey: .attempt)
            try item.encode(attempt.attemptedAt, forKey: .attemptedAt)
            try item.encode(attempt.status, forKey: .status)
            try item.encode(attempt.error, forKey: .error)
            try item.encode(attempt.durationMilliseconds, forKey: .durationMilliseconds)
        }
    }
}
