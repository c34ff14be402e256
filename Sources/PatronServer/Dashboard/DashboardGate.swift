import Foundation
import HTTPTypes
import Hummingbird
import PatronCore
import PatronStore

/// Lets a dashboard page through only with a staff session, sending anyone else to sign in and back. A form post
/// must come from a page of this server (its `Origin`, when the browser sends one) and repeat the session's CSRF
/// token in its `csrf_token` field.
struct DashboardGate: RouterMiddleware {
    typealias Context = PatronRequestContext
    let store: Store

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        var request = request
        var context = context
        guard let token = SessionCookie.token(in: request), let session = try await store.staffSession(token: token)
        else {
            return Self.redirect(to: "/sign-in?next=" + request.uri.description.addingPercentEncodingForQuery())
        }
        context.principal = .staff(session)
        if !AccessMiddleware.isSafe(request.method) {
            let form = try await Form.read(&request)
            guard Self.isSameOrigin(request),
                let sent = form["csrf_token"],
                ConstantTime.equal(Array(sent.utf8), Array(session.csrfToken.utf8))
            else {
                let view = View(request: request, context: context)
                return view.page(
                    view.text(.formExpiredTitle), section: nil,
                    body: "<p class=\"problem\">\(view.text(.formExpired))</p>", status: .forbidden)
            }
        }
        return try await next(request, context)
    }

    /// False when the browser says the request comes from another site, or hides where it comes from
    /// (`Origin: null`; the pages' `Referrer-Policy: same-origin` keeps their own posts' origin).
    static func isSameOrigin(_ request: Request) -> Bool {
        guard let origin = request.headers[.origin] else { return true }
        guard let host = request.head.authority else { return false }
        return origin == "http://" + host || origin == "https://" + host
    }

    static func redirect(to location: String, cookies: [String] = []) -> Response {
        var headers: HTTPFields = [.location: location]
        for cookie in cookies { headers.append(HTTPField(name: .setCookie, value: cookie)) }
        return Response(status: .seeOther, headers: headers)
    }

    /// Where to go after signing in or switching language: a path on this server, never another site.
    static func safeReturn(_ next: String?) -> String {
        guard let next, next.hasPrefix("/"), !next.hasPrefix("//"), !next.hasPrefix("/\\") else { return "/" }
        return next
    }
}

/// An HTML form, posted (`application/x-www-form-urlencoded`) or sent in the query by `method="get"`.
enum Form {
    /// A field of the query as a browser's form writes it: `+` is a space there.
    static func query(_ name: String, in request: Request) -> String? {
        for pair in (request.uri.query ?? "").split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let decode = { (text: Substring) in text.replacing("+", with: " ").removingPercentEncoding }
            if decode(parts[0]) == name { return parts.count > 1 ? decode(parts[1]) : "" }
        }
        return nil
    }

    /// The form's fields; a malformed form reads as an empty one, which the page then refuses field by field.
    static func read(_ request: inout Request) async throws -> [String: String] {
        let body = String(buffer: try await request.collectBody(upTo: 65_536))
        return (try? URLEncodedFormDecoder().decode([String: String].self, from: body)) ?? [:]
    }
}
