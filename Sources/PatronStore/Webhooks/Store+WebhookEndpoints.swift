import PatronCore
import SQLKit

extension Store {
    /// How long the secret before a rotation keeps signing, so receivers can take the new one without a gap.
    public static let webhookSecretOverlapMilliseconds: Int64 = 24 * 3_600 * 1_000

    /// Adds an endpoint with a new secret, which is returned this once.
    public func createWebhookEndpoint(
        _ draft: WebhookEndpointDraft, by actor: String, at instant: Timestamp
    ) async throws -> (endpoint: WebhookEndpoint, secret: String) {
        let now = instant.millisecondsSinceEpoch
        let secret = WebhookSignature.makeSecret()
        let sealed = try protector.seal(secret)
        let endpointID = Identifier.make(prefix: "whe", milliseconds: now)
        let endpoint = try await database.write { database in
            try await database.raw(
                """
                INSERT INTO webhook_endpoints (endpoint_id, url, description, event_types, disabled_at, disabled_reason,
                                               secret_ciphertext, revision, created_by, created_at, updated_at)
                VALUES (\(bind: endpointID), \(bind: draft.url.text), \(bind: draft.description),
                        \(bind: StoredList.text(draft.eventTypes.map(\.rawValue))), \(bind: draft.enabled ? nil : now),
                        \(bind: draft.enabled ? nil : "disabled by \(actor)"), \(bind: sealed), 1, \(bind: actor),
                        \(bind: now), \(bind: now))
                """
            ).run()
            return try await Self.webhookEndpoint(endpointID, in: database)
        }
        return (endpoint, secret)
    }

    public func webhookEndpoints() async throws -> [WebhookEndpoint] {
        try await database.read { database in
            try await database.raw(
                "SELECT \(WebhookEndpoint.columns) FROM webhook_endpoints ORDER BY endpoint_id"
            ).all().map(WebhookEndpoint.init(row:))
        }
    }

    public func webhookEndpoint(id: String) async throws -> WebhookEndpoint {
        try await database.read { try await Self.webhookEndpoint(id, in: $0) }
    }

    /// Replaces what the endpoint does. Disabling it gives up its pending deliveries (they stay in the log and
    /// can be replayed); enabling it again starts afresh, with no failures counted.
    public func replaceWebhookEndpoint(
        id: String, with draft: WebhookEndpointDraft, acceptedRevisions: Set<Int64>?, by actor: String,
        at instant: Timestamp
    ) async throws -> WebhookEndpoint {
        let now = instant.millisecondsSinceEpoch
        return try await database.write { database in
            let current = try await Self.lockWebhookEndpoint(id, acceptedRevisions: acceptedRevisions, in: database)
            let disabledAt: Int64? = draft.enabled ? nil : current.disabledAt?.millisecondsSinceEpoch ?? now
            let reason: String? = draft.enabled ? nil : current.disabledReason ?? "disabled by \(actor)"
            try await database.raw(
                """
                UPDATE webhook_endpoints SET url = \(bind: draft.url.text), description = \(bind: draft.description),
                    event_types = \(bind: StoredList.text(draft.eventTypes.map(\.rawValue))),
                    disabled_at = \(bind: disabledAt), disabled_reason = \(bind: reason),
                    failing_since = \(bind: draft.enabled && !current.isEnabled ? nil : current.failingSince?.millisecondsSinceEpoch),
                    revision = revision + 1, updated_at = \(bind: now)
                WHERE endpoint_id = \(bind: id)
                """
            ).run()
            if !draft.enabled {
                try await Self.abandonDeliveries(of: id, reason: reason ?? "disabled", at: now, in: database)
            }
            return try await Self.webhookEndpoint(id, in: database)
        }
    }

    /// Removes the endpoint with its delivery log.
    public func deleteWebhookEndpoint(id: String, acceptedRevisions: Set<Int64>?) async throws {
        try await database.write { database in
            _ = try await Self.lockWebhookEndpoint(id, acceptedRevisions: acceptedRevisions, in: database)
            try await database.raw(
                """
                DELETE FROM webhook_attempts WHERE delivery_id IN
                    (SELECT delivery_id FROM webhook_deliveries WHERE endpoint_id = \(bind: id))
                """
            ).run()
            try await database.raw("DELETE FROM webhook_deliveries WHERE endpoint_id = \(bind: id)").run()
            try await database.raw("DELETE FROM webhook_endpoints WHERE endpoint_id = \(bind: id)").run()
        }
    }

    /// Gives the endpoint a new secret, returned this once; the old one keeps signing beside it for a day.
    public func rotateWebhookSecret(
        id: String, at instant: Timestamp
    ) async throws -> (endpoint: WebhookEndpoint, secret: String) {
        let now = instant.millisecondsSinceEpoch
        let secret = WebhookSignature.makeSecret()
        let sealed = try protector.seal(secret)
        let endpoint = try await database.write { database in
            _ = try await Self.lockWebhookEndpoint(id, acceptedRevisions: nil, in: database)
            try await database.raw(
                """
                UPDATE webhook_endpoints SET previous_secret_ciphertext = secret_ciphertext,
                    previous_secret_until = \(bind: now + Self.webhookSecretOverlapMilliseconds),
                    secret_ciphertext = \(bind: sealed), revision = revision + 1, updated_at = \(bind: now)
                WHERE endpoint_id = \(bind: id)
                """
            ).run()
            return try await Self.webhookEndpoint(id, in: database)
        }
        return (endpoint, secret)
    }

    static func webhookEndpoint(_ id: String, in database: any SQLDatabase) async throws -> WebhookEndpoint {
        guard
            let row = try await database.raw(
                "SELECT \(WebhookEndpoint.columns) FROM webhook_endpoints WHERE endpoint_id = \(bind: id)"
            ).first()
        else { throw WebhookError.endpointNotFound(id) }
        return try WebhookEndpoint(row: row)
    }

    private static func lockWebhookEndpoint(
        _ id: String, acceptedRevisions: Set<Int64>?, in database: any SQLDatabase
    ) async throws -> WebhookEndpoint {
        guard
            let row = try await database.raw(
                """
                SELECT \(WebhookEndpoint.columns) FROM webhook_endpoints WHERE endpoint_id = \(bind: id)
                \(MemberRepository.forUpdate(database))
                """
            ).first()
        else { throw WebhookError.endpointNotFound(id) }
        let endpoint = try WebhookEndpoint(row: row)
        if let acceptedRevisions, !acceptedRevisions.contains(endpoint.revision) {
            throw WebhookError.revisionMismatch(current: endpoint.revision)
        }
        return endpoint
    }

    /// Marks every pending delivery of the endpoint dead, with the reason.
    static func abandonDeliveries(
        of endpointID: String, reason: String, at now: Int64, in database: any SQLDatabase
    ) async throws {
        try await database.raw(
            """
            UPDATE webhook_deliveries SET status = \(bind: WebhookDeliveryStatus.dead.rawValue), next_attempt_at = NULL,
                last_error = \(bind: reason)
            WHERE endpoint_id = \(bind: endpointID) AND status = \(bind: WebhookDeliveryStatus.pending.rawValue)
            """
        ).run()
    }
}
