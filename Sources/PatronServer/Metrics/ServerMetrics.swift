import Hummingbird
import Logging
import Prometheus
import Synchronization

/// The service's Prometheus metrics, declared once, each with the `patron_` prefix and a unit suffix.
/// Each application owns its registry, so several can run in one process (as tests do).
public final class ServerMetrics: Sendable {
    let registry = PrometheusCollectorRegistry()
    let ordersCreated: Counter
    let ordersReplayed: Counter
    let eventsAccepted: Counter
    let eventsDuplicate: Counter

    static let latencyBuckets: [Duration] = [
        .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10), .milliseconds(25),
        .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(5),
    ]

    public init() {
        ordersCreated = registry.makeCounter(name: "patron_orders_ingested_total", labels: [("outcome", "created")])
        ordersReplayed = registry.makeCounter(name: "patron_orders_ingested_total", labels: [("outcome", "replayed")])
        eventsAccepted = registry.makeCounter(name: "patron_events_ingested_total", labels: [("outcome", "accepted")])
        eventsDuplicate = registry.makeCounter(name: "patron_events_ingested_total", labels: [("outcome", "duplicate")])
    }

    func recordOrder(isReplay: Bool) {
        (isReplay ? ordersReplayed : ordersCreated).increment()
    }

    func recordEvent(isDuplicate: Bool) {
        (isDuplicate ? eventsDuplicate : eventsAccepted).increment()
    }

    func recordRequest(method: String, route: String, status: Int, duration: Duration) {
        registry.makeCounter(
            name: "patron_http_requests_total", labels: [("method", method), ("route", route), ("status", "\(status)")]
        ).increment()
        registry.makeDurationHistogram(
            name: "patron_http_request_duration_seconds", labels: [("method", method), ("route", route)],
            buckets: Self.latencyBuckets
        ).record(duration)
    }

    /// The Prometheus text exposition of every metric.
    public func exposition() -> String {
        var buffer: [UInt8] = []
        registry.emit(into: &buffer)
        return String(decoding: buffer, as: UTF8.self)
    }
}

/// Counts requests and measures their latency by route template (never by raw path, which would
/// create a series per member) and status.
struct MetricsMiddleware<Context: RequestContext>: RouterMiddleware {
    let metrics: ServerMetrics

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    )
        async throws -> Response
    {
        let start = ContinuousClock.now
        let response = try await next(request, context)
        let route = context.endpointPath ?? "unmatched"
        metrics.recordRequest(
            method: request.method.rawValue, route: route, status: response.status.code,
            duration: ContinuousClock.now - start)
        context.logger.debug(
            "request.completed",
            metadata: [
                "http.method": "\(request.method)", "http.route": "\(route)", "http.status": "\(response.status.code)",
            ])
        return response
    }
}
