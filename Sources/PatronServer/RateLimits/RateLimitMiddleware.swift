import HTTPTypes
import Hummingbird
import PatronCore
import PatronStore

/// Admits each request against its subject's budget for its class, answering 429 with `Retry-After` beyond it,
/// and tells the client its budget in the `RateLimit-Policy` and `RateLimit` headers
/// (draft-ietf-httpapi-ratelimit-headers).
struct RateLimitMiddleware: RouterMiddleware {
    typealias Context = PatronRequestContext
    let limiter: RateLimiter
    let clock: WallClock
    /// Who is counted: the principal for the API, the client address for signing in.
    let countsByAddress: Bool

    static let policyHeader = HTTPField.Name("RateLimit-Policy")!
    static let header = HTTPField.Name("RateLimit")!

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        let requestClass: RateLimits.RequestClass
        let subject: String
        if countsByAddress {
            requestClass = .signIn
            subject = "address:" + context.clientAddress
        } else {
            guard let principal = context.principal else { return try await next(request, context) }
            requestClass = AccessMiddleware.isSafe(request.method) ? .read : .write
            subject = principal.actorID
        }
        let decision = limiter.admit(subject: subject, requestClass, at: clock.now)
        guard decision.allowed else {
            var problem = Problem(
                status: .tooManyRequests, title: "Too Many Requests",
                detail:
                    "more than \(decision.limit) \(requestClass.rawValue) requests in \(decision.windowSeconds) s; "
                    + "try again in \(decision.resetSeconds) s")
            problem.retryAfterSeconds = max(1, decision.resetSeconds)
            var response = try problem.response(from: request, context: context)
            Self.describe(decision, of: requestClass, in: &response.headers)
            return response
        }
        var response = try await next(request, context)
        Self.describe(decision, of: requestClass, in: &response.headers)
        return response
    }

    static func describe(
        _ decision: RateDecision, of requestClass: RateLimits.RequestClass, in headers: inout HTTPFields
    ) {
        headers[policyHeader] = "\"\(requestClass.rawValue)\";q=\(decision.limit);w=\(decision.windowSeconds)"
        headers[header] = "\"\(requestClass.rawValue)\";r=\(decision.remaining);t=\(decision.resetSeconds)"
    }
}
