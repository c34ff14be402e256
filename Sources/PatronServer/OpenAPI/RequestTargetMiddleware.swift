import Foundation
import Hummingbird
import OpenAPIKit

/// Answers requests whose target no route can serve before anything reads them: a method the document does
/// not list on a path it describes gets 405 with `Allow` (RFC 9110 §15.5.6), and a target holding an encoded
/// NUL gets 400, since no stored text may hold one.
struct RequestTargetMiddleware<Context: RequestContext>: RouterMiddleware {
    /// The described paths as segments (`nil` for a `{parameter}`) with the methods each serves.
    let paths: [(segments: [String?], methods: [HTTPRequest.Method])]

    init(document: OpenAPI.Document) {
        paths = document.paths.compactMap { path, item in
            guard let item = item.pathItemValue else { return nil }
            let methods = item.endpoints.compactMap { HTTPRequest.Method($0.method.rawValue.uppercased()) }
            return (path.components.map { $0.hasPrefix("{") ? nil : $0 }, methods)
        }
    }

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        if Self.holdsEncodedNUL(request.uri.description) {
            throw Problem(status: .badRequest, title: "Malformed Request", detail: "the target holds an encoded NUL")
        }
        do {
            return try await next(request, context)
        } catch let error as HTTPError where error.status == .notFound {
            // Only the router's own miss is an HTTPError: asking the document costs nothing on served routes.
            if let methods = methods(for: request.uri.path), !methods.contains(request.method) {
                var problem = Problem(
                    status: .methodNotAllowed, title: "Method Not Allowed",
                    detail: "\(request.uri.path) does not serve \(request.method.rawValue)")
                problem.allow = methods.map(\.rawValue).joined(separator: ", ")
                throw problem
            }
            throw error
        }
    }

    /// Whether `target` holds `%00`, in either case.
    static func holdsEncodedNUL(_ target: String) -> Bool {
        var previous: (UInt8, UInt8) = (0, 0)
        for byte in target.utf8 {
            if previous == (UInt8(ascii: "%"), UInt8(ascii: "0")) && byte == UInt8(ascii: "0") { return true }
            previous = (previous.1, byte)
        }
        return false
    }

    /// The methods of the described path the router would pick for `path`: fixed segments win over
    /// parameters, from left to right, as in the router's trie.
    func methods(for path: String) -> [HTTPRequest.Method]? {
        let segments = path.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
        let matches = paths.filter { candidate in
            candidate.segments.count == segments.count
                && zip(candidate.segments, segments).allSatisfy { template, segment in
                    template == nil || template == segment
                }
        }
        let best = matches.max { lhs, rhs in
            lhs.segments.map { $0 == nil ? 0 : 1 }.lexicographicallyPrecedes(rhs.segments.map { $0 == nil ? 0 : 1 })
        }
        return best?.methods
    }
}
