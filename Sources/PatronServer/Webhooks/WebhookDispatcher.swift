import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import PatronCore
import PatronStore

/// Sends due webhook deliveries: routes new outbox events to endpoints, claims what is due, posts each with its
/// Standard Webhooks headers, and records the answer. One `round` does one batch; the service repeats it.
public struct WebhookDispatcher: Sendable {
    let store: Store
    let client: HTTPClient
    let targets: WebhookTargets
    let logger: Logger
    /// Deliveries claimed per round, and sent at once.
    var batchSize = 64

    public init(store: Store, client: HTTPClient, targets: WebhookTargets, logger: Logger) {
        self.store = store
        self.client = client
        self.targets = targets
        self.logger = logger
    }

    /// A client that follows no redirect (one could lead to a private address) and gives up on slow receivers.
    public static func makeClient() -> HTTPClient {
        var configuration = HTTPClient.Configuration(
            redirectConfiguration: .disallow,
            timeout: .init(
                connect: .milliseconds(WebhookRetry.timeoutMilliseconds),
                read: .milliseconds(WebhookRetry.timeoutMilliseconds)))
        configuration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = 16
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }

    /// Routes waiting events, then sends one batch of due deliveries; returns how many it sent.
    @discardableResult
    public func round() async throws -> Int {
        try await store.routeWebhookEvents(at: store.clock.now)
        let sends = try await store.claimWebhookDeliveries(at: store.clock.now, limit: batchSize)
        guard !sends.isEmpty else { return 0 }
        // Each host is looked up once a round.
        var refusals: [String: String] = [:]
        for url in Set(sends.map(\.url)) {
            do {
                try await targets.check(try WebhookEndpointURL(url))
            } catch {
                refusals[url] = "not sent: the URL \(error.description)"
            }
        }
        await withTaskGroup(of: Void.self) { group in
            for send in sends {
                let refusal = refusals[send.url]
                group.addTask { await deliver(send, refusal: refusal) }
            }
        }
        return sends.count
    }

    private func deliver(_ send: WebhookSend, refusal: String?) async {
        let started = ContinuousClock.now
        let outcome: WebhookAttemptOutcome
        if let refusal {
            outcome = .failed(status: nil, error: refusal)
        } else {
            outcome = await post(send)
        }
        let elapsed = ContinuousClock.now - started
        let milliseconds = elapsed.components.seconds * 1_000 + elapsed.components.attoseconds / 1_000_000_000_000_000
        do {
            try await store.recordWebhookAttempt(
                send, outcome: outcome, durationMilliseconds: milliseconds, at: store.clock.now)
        } catch {
            // The lease runs out and the delivery is sent again: at least once, never lost.
            logger.error(
                "webhook.record.failed",
                metadata: ["delivery.id": "\(send.deliveryID)", "error": "\(String(reflecting: error))"])
        }
        if case .delivered = outcome { return }
        logger.notice(
            "webhook.attempt.failed",
            metadata: [
                "delivery.id": "\(send.deliveryID)", "endpoint.id": "\(send.endpointID)",
                "attempt": "\(send.attempt)", "status": "\(outcome.status.map(String.init) ?? "-")",
            ])
    }

    private func post(_ send: WebhookSend) async -> WebhookAttemptOutcome {
        let timestamp = store.clock.milliseconds / 1_000
        var request = HTTPClientRequest(url: send.url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "User-Agent", value: "Patron-Webhooks/1")
        request.headers.add(name: "webhook-id", value: send.eventID)
        request.headers.add(name: "webhook-timestamp", value: String(timestamp))
        request.headers.add(
            name: "webhook-signature",
            value: WebhookSignature.header(
                secrets: send.secrets, id: send.eventID, timestamp: timestamp, body: send.body))
        request.body = .bytes(send.body)
        do {
            let response = try await client.execute(
                request, timeout: .milliseconds(WebhookRetry.timeoutMilliseconds))
            // The answer's body is read and thrown away (up to a limit), so the connection can be used again.
            _ = try? await response.body.collect(upTo: 64 << 10)
            return WebhookAttemptOutcome(status: Int(response.status.code))
        } catch {
            return .failed(status: nil, error: Self.describe(error))
        }
    }

    /// A short reason for a request that got no answer.
    static func describe(_ error: any Error) -> String {
        let text =
            switch error {
            case let error as HTTPClientError where error == .deadlineExceeded || error == .readTimeout:
                "no answer within \(WebhookRetry.timeoutMilliseconds / 1_000) s"
            case let error as HTTPClientError where error == .connectTimeout: "could not connect in time"
            default: "no answer: \(error)"
            }
        return String(text.prefix(300))
    }
}
