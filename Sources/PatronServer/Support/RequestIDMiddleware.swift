import HTTPTypes
import Hummingbird
import PatronStore

/// Gives every request an id: the caller's `X-Request-ID` when it is a short printable token, else a new one.
/// It is sent back, added to the request's log lines and kept in the audit log.
struct RequestIDMiddleware: RouterMiddleware {
    typealias Context = PatronRequestContext
    static let header = HTTPField.Name("X-Request-ID")!

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        let sent = request.headers[Self.header]
        let id =
            if let sent, (1...128).contains(sent.utf8.count),
                sent.utf8.allSatisfy({ $0 > 32 && $0 < 127 })
            {
                sent
            } else {
                Identifier.make(prefix: "req")
            }
        var context = context
        context.requestID = id
        context.logger[metadataKey: "request.id"] = .string(id)
        var response = try await next(request, context)
        response.headers[Self.header] = id
        return response
    }
}
