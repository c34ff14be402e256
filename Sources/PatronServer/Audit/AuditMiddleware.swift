import Hummingbird
import Logging
import PatronCore
import PatronStore

/// Appends an audit entry for each successful audited operation: the principal, the operation, the ids in its
/// path and those the handler noted, and where the request came from.
struct AuditMiddleware: RouterMiddleware {
    typealias Context = PatronRequestContext
    let store: Store

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        let response = try await next(request, context)
        guard (200..<300).contains(response.status.code), let path = context.endpointPath,
            let operationID = AuditedOperations.operationIDs["\(request.method.rawValue) \(path)"],
            AuditedOperations.isAudited(operationID)
        else { return response }
        let objectIDs = context.parameters.map { String($0.value) } + context.auditNotes.all
        do {
            try await store.audit(context.auditEvent(operationID, objectIDs: objectIDs, request: request))
        } catch {
            // The change is made and cannot be taken back here; losing its entry must not pass unnoticed.
            context.logger.error(
                "audit.append.failed", metadata: ["audit.action": "\(operationID)", "error": "\(error)"])
        }
        return response
    }
}
