import PatronCore
import SQLKit

/// The dispatcher's side of webhooks: routing outbox events to the endpoints that want them, claiming due
/// deliveries, and recording how each attempt ended. Every step is safe with several nodes at once: a claim is
/// a lease (`WebhookRetry.leaseMilliseconds`) taken by the update that makes it, and only the holder of the
/// latest claim records an outcome. A sender that dies holding a lease has its delivery sent again when the
/// lease runs out, with the same `webhook-id`: at least once, never silently dropped.
extension Store {
    /// Creates a delivery for each enabled endpoint subscribed to each event not yet routed; returns how many
    /// events it routed.
    @discardableResult
    public func routeWebhookEvents(at instant: Timestamp, batchSize: Int = 1_000) async throws -> Int {
        let now = instant.millisecondsSinceEpoch
        var routed = 0
        while true {
            let count = try await database.write { database in
                let skipClaimed: SQLQueryString =
                    database.dialect.name == "postgresql" ? "FOR UPDATE SKIP LOCKED" : ""
                let events = try await database.raw(
                    """
                    SELECT event_id, type FROM outbox_events WHERE routed_at IS NULL
                    ORDER BY occurred_at LIMIT \(unsafeRaw: String(batchSize)) \(skipClaimed)
                    """
                ).all().map {
                    (
                        id: try $0.decode(column: "event_id", as: String.self),
                        type: try $0.decode(column: "type", as: String.self)
                    )
                }
                guard !events.isEmpty else { return 0 }
                // Shared locks: an endpoint being disabled now is disabled before or after this routing, and in
                // the second case gives up what this routed to it.
                let shared: SQLQueryString = database.dialect.name == "postgresql" ? "FOR SHARE" : ""
                let endpoints = try await database.raw(
                    "SELECT endpoint_id, event_types FROM webhook_endpoints WHERE disabled_at IS NULL \(shared)"
                ).all().map {
                    (
                        id: try $0.decode(column: "endpoint_id", as: String.self),
                        types: Set(StoredList.values(try $0.decode(column: "event_types", as: String.self)))
                    )
                }
                var deliveries: [(endpoint: String, event: String)] = []
                for event in events {
                    for endpoint in endpoints where endpoint.types.contains(event.type) {
                        deliveries.append((endpoint.id, event.id))
                    }
                }
                for chunk in deliveries.chunks(of: 500) {
                    var insert = database.insert(into: "webhook_deliveries").columns(
                        "delivery_id", "endpoint_id", "event_id", "status", "attempts", "schedule_from",
                        "next_attempt_at", "created_at")
                    for delivery in chunk {
                        insert = insert.values(
                            SQLBind(Identifier.make(prefix: "dlv", milliseconds: now)), SQLBind(delivery.endpoint),
                            SQLBind(delivery.event), SQLBind(WebhookDeliveryStatus.pending.rawValue), SQLBind(Int64(0)),
                            SQLBind(Int64(0)), SQLBind(now), SQLBind(now))
                    }
                    try await insert.ignoringConflicts(with: ["endpoint_id", "event_id"]).run()
                }
                try await database.raw(
                    """
                    UPDATE outbox_events SET routed_at = \(bind: now)
                    WHERE event_id IN (\(SQLList(events.map { SQLBind($0.id) })))
                    """
                ).run()
                return events.count
            }
            routed += count
            if count == 0 { return routed }
        }
    }

    /// Claims up to `limit` deliveries due by `instant` for one attempt each.
    public func claimWebhookDeliveries(at instant: Timestamp, limit: Int) async throws -> [WebhookSend] {
        let now = instant.millisecondsSinceEpoch
        let protector = self.protector
        return try await database.write { database in
            let skipClaimed: SQLQueryString = database.dialect.name == "postgresql" ? "FOR UPDATE SKIP LOCKED" : ""
            let claimed = try await database.raw(
                """
                UPDATE webhook_deliveries
                SET next_attempt_at = \(bind: now + WebhookRetry.leaseMilliseconds), attempts = attempts + 1
                WHERE delivery_id IN (
                    SELECT delivery_id FROM webhook_deliveries
                    WHERE status = 'pending' AND next_attempt_at <= \(bind: now)
                    ORDER BY next_attempt_at LIMIT \(unsafeRaw: String(limit)) \(skipClaimed))
                  AND status = 'pending'
                RETURNING delivery_id
                """
            ).all().map { try $0.decode(column: "delivery_id", as: String.self) }
            guard !claimed.isEmpty else { return [] }
            return try await database.raw(
                """
                SELECT d.delivery_id, d.endpoint_id, d.event_id, d.attempts, d.schedule_from, e.body, w.url, w.secret_ciphertext,
                       w.previous_secret_ciphertext, w.previous_secret_until
                FROM webhook_deliveries d
                JOIN outbox_events e ON e.event_id = d.event_id
                JOIN webhook_endpoints w ON w.endpoint_id = d.endpoint_id
                WHERE d.delivery_id IN (\(SQLList(claimed.map { SQLBind($0) })))
                """
            ).all().map { row in
                var secrets = [try protector.open(try row.decode(column: "secret_ciphertext", as: String.self))]
                if let previous = try row.decode(column: "previous_secret_ciphertext", as: String?.self),
                    let until = try row.decode(column: "previous_secret_until", as: Int64?.self), until > now
                {
                    secrets.append(try protector.open(previous))
                }
                return WebhookSend(
                    deliveryID: try row.decode(column: "delivery_id", as: String.self),
                    endpointID: try row.decode(column: "endpoint_id", as: String.self),
                    eventID: try row.decode(column: "event_id", as: String.self),
                    url: try row.decode(column: "url", as: String.self),
                    body: Array(try row.decode(column: "body", as: String.self).utf8),
                    attempt: try row.decode(column: "attempts", as: Int64.self),
                    scheduleFrom: try row.decode(column: "schedule_from", as: Int64.self), secrets: secrets)
            }
        }
    }

    /// Records how an attempt ended and what follows: delivered; tried again on the schedule; a dead letter when
    /// the schedule is spent. A 410, or an endpoint that has answered nothing for five days, disables the
    /// endpoint and gives up its pending deliveries. Ignored when another claim of the delivery has come since.
    public func recordWebhookAttempt(
        _ send: WebhookSend, outcome: WebhookAttemptOutcome, durationMilliseconds: Int64, at instant: Timestamp,
        jitter: Double = Double.random(in: 0..<1)
    ) async throws {
        let now = instant.millisecondsSinceEpoch
        try await database.write { database in
            // The endpoint first, as disabling it does, then the delivery: two answers for one endpoint, one of
            // which disables it, would otherwise each hold what the other waits for.
            try await database.raw(
                """
                SELECT endpoint_id FROM webhook_endpoints WHERE endpoint_id = \(bind: send.endpointID)
                \(MemberRepository.forUpdate(database))
                """
            ).run()
            var status = WebhookDeliveryStatus.pending
            var next: Int64?
            var error: String?
            switch outcome {
            case .delivered: status = .delivered
            case .gone:
                status = .dead
                error = "the endpoint answered 410 Gone"
            case .failed(_, let reason):
                error = reason
                next = WebhookRetry.nextAttempt(
                    after: Int(send.attempt - send.scheduleFrom), at: now, jitter: jitter)
                if next == nil { status = .dead }
            }
            guard
                try await database.raw(
                    """
                    UPDATE webhook_deliveries SET status = \(bind: status.rawValue), next_attempt_at = \(bind: next),
                        last_status = \(bind: outcome.status.map(Int64.init)), last_error = \(bind: error),
                        delivered_at = \(bind: status == .delivered ? now : nil)
                    WHERE delivery_id = \(bind: send.deliveryID) AND attempts = \(bind: send.attempt)
                      AND status = 'pending'
                    RETURNING delivery_id
                    """
                ).first() != nil
            else { return }
            try await database.raw(
                """
                INSERT INTO webhook_attempts (delivery_id, attempt, attempted_at, status, error, duration_ms)
                VALUES (\(bind: send.deliveryID), \(bind: send.attempt), \(bind: now),
                        \(bind: outcome.status.map(Int64.init)), \(bind: error), \(bind: durationMilliseconds))
                ON CONFLICT (delivery_id, attempt) DO NOTHING
                """
            ).run()
            switch outcome {
            case .delivered:
                try await database.raw(
                    """
                    UPDATE webhook_endpoints SET failing_since = NULL
                    WHERE endpoint_id = \(bind: send.endpointID) AND failing_since IS NOT NULL
                    """
                ).run()
            case .gone:
                try await Self.disableWebhookEndpoint(
                    send.endpointID, reason: "the endpoint answered 410 Gone", at: now, in: database)
            case .failed:
                guard
                    let row = try await database.raw(
                        """
                        UPDATE webhook_endpoints SET failing_since = COALESCE(failing_since, \(bind: now))
                        WHERE endpoint_id = \(bind: send.endpointID) RETURNING failing_since
                        """
                    ).first()
                else { return }
                let since = try row.decode(column: "failing_since", as: Int64.self)
                if now - since >= WebhookRetry.failingLimitMilliseconds {
                    try await Self.disableWebhookEndpoint(
                        send.endpointID, reason: "no delivery succeeded for 5 days", at: now, in: database)
                }
            }
        }
    }

    /// When the dispatcher next has work: the earliest due delivery, or now when events wait to be routed.
    public func nextWebhookWork() async throws -> Timestamp? {
        try await database.read { database in
            let row = try await database.raw(
                """
                SELECT
                  (SELECT MIN(next_attempt_at) FROM webhook_deliveries WHERE status = 'pending') AS due,
                  (SELECT MIN(occurred_at) FROM outbox_events WHERE routed_at IS NULL) AS unrouted
                """
            ).first()
            let times = [
                try row?.decode(column: "due", as: Int64?.self), try row?.decode(column: "unrouted", as: Int64?.self),
            ].compactMap { $0 }
            return times.min().map(Timestamp.init(millisecondsSinceEpoch:))
        }
    }

    private static func disableWebhookEndpoint(
        _ endpointID: String, reason: String, at now: Int64, in database: any SQLDatabase
    ) async throws {
        try await database.raw(
            """
            UPDATE webhook_endpoints SET disabled_at = \(bind: now), disabled_reason = \(bind: reason),
                revision = revision + 1, updated_at = \(bind: now)
            WHERE endpoint_id = \(bind: endpointID) AND disabled_at IS NULL
            """
        ).run()
        try await abandonDeliveries(of: endpointID, reason: "endpoint disabled: \(reason)", at: now, in: database)
    }
}
