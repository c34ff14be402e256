import Hummingbird
import PatronStore

/// Finds the API key of a `Bearer` token and puts it in the context; refuses requests without a valid one.
/// Which scope a route needs is checked by the route itself (`context.require`).
struct APIKeyMiddleware: RouterMiddleware {
    typealias Context = PatronRequestContext
    let store: Store

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    )
        async throws -> Response
    {
        guard let authorization = request.headers[.authorization], authorization.hasPrefix("Bearer "),
            let key = try await store.apiKey(secret: String(authorization.dropFirst("Bearer ".count)))
        else { throw Problem.unauthorized() }
        var context = context
        context.apiKey = key
        return try await next(request, context)
    }
}
