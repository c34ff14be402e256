import Hummingbird
import PatronStore

/// Finds who a request acts for: an API key or a member token sent as `Authorization: Bearer`, or a staff session
/// cookie. A write
/// made through the cookie must repeat the session's CSRF token in `X-CSRF-Token`, which another site's page
/// cannot read. Which permission a route needs is checked by the route itself (`context.require`).
struct AccessMiddleware: RouterMiddleware {
    typealias Context = PatronRequestContext
    let store: Store
    let keys: APIKeyCache

    init(store: Store) {
        self.store = store
        self.keys = APIKeyCache(store: store)
    }

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        var context = context
        if let authorization = request.headers[.authorization] {
            guard authorization.hasPrefix("Bearer ") else { throw Problem.unauthorized() }
            let credential = String(authorization.dropFirst("Bearer ".count))
            // A member token is a JWT (three dot-separated parts); an API key holds no dot.
            if credential.contains(".") {
                guard let memberID = store.memberTokens.memberID(in: credential, at: store.clock.now) else {
                    throw Problem.unauthorized()
                }
                context.principal = .member(memberID)
            } else {
                guard let key = try await keys.key(secret: credential) else { throw Problem.unauthorized() }
                context.principal = .apiKey(key)
            }
        } else if let token = SessionCookie.token(in: request),
            let session = try await store.staffSession(token: token)
        {
            if !Self.isSafe(request.method) {
                guard let sent = request.headers[SessionCookie.csrfHeader],
                    ConstantTime.equal(Array(sent.utf8), Array(session.csrfToken.utf8))
                else {
                    throw Problem(
                        status: .forbidden, title: "CSRF Token Missing",
                        detail: "a write made with a session cookie must send the session's csrf_token in X-CSRF-Token")
                }
            }
            context.principal = .staff(session)
        } else {
            throw Problem.unauthorized()
        }
        return try await next(request, context)
    }

    /// Methods that only read: no CSRF token needed, and counted against the read budget.
    static func isSafe(_ method: HTTPRequest.Method) -> Bool {
        [.get, .head, .options].contains(method)
    }
}
