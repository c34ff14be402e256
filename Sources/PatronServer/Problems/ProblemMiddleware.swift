import Hummingbird
import Logging
import PatronCore
import PatronStore

/// Turns every error into a problem+json answer: domain errors map to their HTTP meaning once, here;
/// anything unexpected is logged and answered with a 500 that reveals nothing of the internals.
struct ProblemMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    )
        async throws -> Response
    {
        do {
            return try await next(request, context)
        } catch {
            return try Self.problem(for: error, context: context).response(from: request, context: context)
        }
    }

    static func problem(for error: any Error, context: Context) -> Problem {
        switch error {
        case let problem as Problem:
            return problem
        case let failure as ValidationFailure:
            return .invalid(failure)
        case MemberError.notFound(let memberID):
            return .notFound("no member with id '\(memberID)'")
        case MemberError.identityTaken(let kind, let ownerID):
            return Problem(
                status: .conflict, title: "Conflict",
                detail: "this \(kind.rawValue) already belongs to member \(ownerID)")
        case OrderError.memberNotFound(let memberID):
            return .invalid(ValidationFailure(pointer: "/member_id", detail: "no member with id '\(memberID)'"))
        case OrderError.idReusedWithDifferentContent(let orderID):
            return Problem(
                status: .conflict, title: "Conflict",
                detail: "order '\(orderID)' was already recorded with different content; order ids cannot be reused")
        case let error as HTTPError where error.status == .contentTooLarge:
            return Problem(
                status: .contentTooLarge, title: "Content Too Large",
                detail: "the request body is larger than \(context.maxUploadSize) bytes")
        case let error as HTTPError:
            return Problem(status: error.status, title: error.status.reasonPhrase, detail: error.body)
        default:
            context.logger.error("request.failed", metadata: ["error": "\(String(reflecting: error))"])
            return Problem(
                status: .internalServerError, title: "Internal Server Error",
                detail: "the request could not be completed; nothing was changed unless it was acknowledged")
        }
    }
}
