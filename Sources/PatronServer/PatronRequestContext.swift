import Foundation
import Hummingbird
import PatronCore
import PatronStore

/// Per-request state: the authenticated API key, and Patron's body size limit.
public struct PatronRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    public var apiKey: APIKey?

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
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

    /// Refuses the request unless its key holds `scope`.
    public func require(_ scope: Scope) throws {
        guard let apiKey else { throw Problem.unauthorized() }
        guard apiKey.scopes.permits(scope) else {
            throw Problem(
                status: .forbidden, title: "Forbidden",
                detail: "this API key lacks the '\(scope.rawValue)' scope")
        }
    }
}
