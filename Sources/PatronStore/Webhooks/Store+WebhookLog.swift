import PatronCore
import SQLKit

/// The delivery log integrators and operators read, and sending again by hand.
extension Store {
    /// An endpoint's deliveries, newest first, optionally of one status.
    public func webhookDeliveries(
        endpointID: String, status: WebhookDeliveryStatus?, after cursor: String?, limit: Int
    ) async throws -> Page<WebhookDeliveryRecord> {
        try await database.read { database in
            _ = try await Self.webhookEndpoint(endpointID, in: database)
            var condition: SQLQueryString = "d.endpoint_id = \(bind: endpointID)"
            if let status { condition = condition + " AND d.status = \(bind: status.rawValue)" }
            if let cursor { condition = condition + " AND d.delivery_id < \(bind: cursor)" }
            let rows = try await database.raw(
                """
                SELECT \(WebhookDeliveryRecord.columns)
                FROM webhook_deliveries d JOIN outbox_events e ON e.event_id = d.event_id
                WHERE \(condition) ORDER BY d.delivery_id DESC LIMIT \(unsafeRaw: String(limit + 1))
                """
            ).all().map(WebhookDeliveryRecord.init(row:))
            let page = Array(rows.prefix(limit))
            return Page(items: page, nextCursor: rows.count > limit ? page.last?.deliveryID : nil)
        }
    }

    /// One delivery with every attempt, oldest first.
    public func webhookDelivery(
        endpointID: String, deliveryID: String
    ) async throws -> (delivery: WebhookDeliveryRecord, attempts: [WebhookAttempt]) {
        try await database.read { database in
            let delivery = try await Self.webhookDelivery(endpointID, deliveryID, in: database)
            let attempts = try await database.raw(
                """
                SELECT attempt, attempted_at, status, error, duration_ms FROM webhook_attempts
                WHERE delivery_id = \(bind: deliveryID) ORDER BY attempt
                """
            ).all().map { row in
                WebhookAttempt(
                    attempt: try row.decode(column: "attempt", as: Int64.self),
                    attemptedAt: Timestamp(
                        millisecondsSinceEpoch: try row.decode(column: "attempted_at", as: Int64.self)),
                    status: try row.decode(column: "status", as: Int64?.self),
                    error: try row.decode(column: "error", as: String?.self),
                    durationMilliseconds: try row.decode(column: "duration_ms", as: Int64.self))
            }
            return (delivery, attempts)
        }
    }

    /// Sends a delivery again, now, whatever became of it: the same event, the same `webhook-id`, and the retry
    /// schedule started over.
    public func replayWebhookDelivery(
        endpointID: String, deliveryID: String, at instant: Timestamp
    ) async throws -> WebhookDeliveryRecord {
        try await database.write { database in
            let endpoint = try await Self.webhookEndpoint(endpointID, in: database)
            guard endpoint.isEnabled else { throw WebhookError.endpointDisabled(endpointID) }
            _ = try await Self.webhookDelivery(endpointID, deliveryID, in: database)
            try await Self.replay("delivery_id = \(bind: deliveryID)", at: instant.millisecondsSinceEpoch, in: database)
            return try await Self.webhookDelivery(endpointID, deliveryID, in: database)
        }
    }

    /// Replays every dead delivery of the endpoint made at or after `since`: the way back after an outage.
    /// Returns how many.
    public func replayDeadWebhookDeliveries(
        endpointID: String, since: Timestamp, at instant: Timestamp
    ) async throws -> Int {
        try await database.write { database in
            let endpoint = try await Self.webhookEndpoint(endpointID, in: database)
            guard endpoint.isEnabled else { throw WebhookError.endpointDisabled(endpointID) }
            return try await Self.replay(
                """
                endpoint_id = \(bind: endpointID) AND status = 'dead' AND created_at >= \(bind: since.millisecondsSinceEpoch)
                """, at: instant.millisecondsSinceEpoch, in: database)
        }
    }

    /// Makes the deliveries matching `condition` due now, on a fresh retry schedule.
    @discardableResult
    private static func replay(
        _ condition: SQLQueryString, at now: Int64, in database: any SQLDatabase
    ) async throws
        -> Int
    {
        try await database.raw(
            """
            UPDATE webhook_deliveries SET status = 'pending', next_attempt_at = \(bind: now), schedule_from = attempts,
                delivered_at = NULL
            WHERE \(condition) RETURNING delivery_id
            """
        ).all().count
    }

    private static func webhookDelivery(
        _ endpointID: String, _ deliveryID: String, in database: any SQLDatabase
    ) async throws -> WebhookDeliveryRecord {
        guard
            let row = try await database.raw(
                """
                SELECT \(WebhookDeliveryRecord.columns)
                FROM webhook_deliveries d JOIN outbox_events e ON e.event_id = d.event_id
                WHERE d.delivery_id = \(bind: deliveryID) AND d.endpoint_id = \(bind: endpointID)
                """
            ).first()
        else { throw WebhookError.deliveryNotFound(deliveryID) }
        return try WebhookDeliveryRecord(row: row)
    }
}

extension Store {
    /// How long the outbox and the delivery log keep an event once nothing is left to send of it.
    public static let webhookLogDays: Int64 = 30

    /// Deletes events older than `webhookLogDays` that no delivery is still trying to send, with their
    /// deliveries and attempts, a batch per transaction; returns how many events.
    @discardableResult
    public func pruneWebhookLog(asOf instant: Timestamp, batchSize: Int = 1_000) async throws -> Int {
        let cutoff = instant.millisecondsSinceEpoch - Self.webhookLogDays * 86_400_000
        var pruned = 0
        while true {
            let count = try await database.write { database in
                let events = try await database.raw(
                    """
                    SELECT event_id FROM outbox_events e
                    WHERE e.occurred_at < \(bind: cutoff) AND e.routed_at IS NOT NULL
                      AND NOT EXISTS (SELECT 1 FROM webhook_deliveries d
                                      WHERE d.event_id = e.event_id AND d.status = 'pending')
                    ORDER BY e.occurred_at LIMIT \(unsafeRaw: String(batchSize))
                    """
                ).all().map { try $0.decode(column: "event_id", as: String.self) }
                guard !events.isEmpty else { return 0 }
                let ids = SQLList(events.map { SQLBind($0) })
                try await database.raw(
                    """
                    DELETE FROM webhook_attempts WHERE delivery_id IN
                        (SELECT delivery_id FROM webhook_deliveries WHERE event_id IN (\(ids)))
                    """
                ).run()
                try await database.raw("DELETE FROM webhook_deliveries WHERE event_id IN (\(ids))").run()
                try await database.raw("DELETE FROM outbox_events WHERE event_id IN (\(ids))").run()
                return events.count
            }
            pruned += count
            if count < batchSize { return pruned }
        }
    }
}
