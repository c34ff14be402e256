import Foundation
import Hummingbird
import NIOCore
import PatronCore
import PatronStore

/// Per-request state: who the request acts for, where it comes from, and Patron's body size limit.
public struct PatronRequestContext: RequestContext, RemoteAddressRequestContext {
    public var coreContext: CoreRequestContextStorage
    public var principal: Principal?
    public let remoteAddress: SocketAddress?
    /// Set by `RequestIDMiddleware`.
    public var requestID: String?
    /// Ids the handler adds to the request's audit entry.
    public let auditNotes = AuditNotes()

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.remoteAddress = source.channel.remoteAddress
    }

    /// The client's address as text, for throttling and the audit log.
    public var clientAddress: String {
        remoteAddress?.ipAddress ?? "unknown"
    }

    /// The id recorded as the actor of what this request changes.
    public var actorID: String? { principal?.actorID }

    /// An audit event for `action` by this request's principal (or, on a public route, by the staff account it
    /// signed in or set up), from its address, agent and request id.
    public func auditEvent(
        _ action: String, objectIDs: [String], request: Request, staffUserID: String? = nil
    ) -> AuditEvent {
        let kind: AuditEvent.ActorKind =
            switch principal {
            case .apiKey: .apiKey
            case .staff: .staff
            case .member: .member
            case nil: staffUserID == nil ? .console : .staff
            }
        return AuditEvent(
            actorKind: kind, actorID: principal?.actorID ?? staffUserID, action: action, objectIDs: objectIDs,
            address: clientAddress, userAgent: request.headers[.userAgent].map { String($0.prefix(256)) },
            requestID: requestID)
    }

    /// The path's parameters, percent-decoded: the router keeps them as sent, so `/v1/orders/A%201` would
    /// otherwise look for an order `A%201` instead of `A 1`.
    public var parameters: Parameters {
        Parameters(
            coreContext.parameters.map { name, value in
                (name, value.removingPercentEncoding.map { Substring($0) } ?? value)
            })
    }

    /// Request bodies are limited to 1 MiB (DESIGN §4); larger ones get 413.
    public var maxUploadSize: Int { 1024 * 1024 }

    /// Refuses the request unless its key or its signed-in person holds `scope`.
    public func require(_ scope: Scope) throws {
        guard let principal else { throw Problem.unauthorized() }
        guard principal.permissions.permits(scope) else {
            let holder = if case .staff = principal { "your role" } else { "this API key" }
            throw Problem(
                status: .forbidden, title: "Forbidden", detail: "\(holder) lacks the '\(scope.rawValue)' permission")
        }
    }

    /// As `require(_:)`, and also lets in a member's token when `memberID` is that member's own. Another member's
    /// id answers 404, as an unknown one does, so a token cannot learn which members exist.
    public func require(_ scope: Scope, member memberID: String) throws {
        if case .member(let own) = principal {
            guard own == memberID else { throw MemberError.notFound(memberID: memberID) }
            return
        }
        try require(scope)
    }

    /// Refuses the request unless its principal may act for `storeID`. A principal held to some stores must
    /// name one of them.
    public func requireStore(_ storeID: String?) throws {
        guard let stores = principal?.stores else { return }
        guard let storeID, stores.contains(storeID) else {
            throw Problem(
                status: .forbidden, title: "Forbidden",
                detail: "this principal may act only for store(s) \(stores.sorted().joined(separator: ", ")); "
                    + "name one of them in store_id")
        }
    }
}
