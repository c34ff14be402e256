import Foundation
import HTTPTypes
import Hummingbird
import PatronCore
import PatronStore

/// The staff session cookie: `Secure`, `HttpOnly` and `SameSite=Lax`, so scripts cannot read it, other sites'
/// forms do not carry it, and it never travels in the clear.
enum SessionCookie {
    static let name = "patron_session"
    /// The header a script or form must repeat the session's CSRF token in for every write.
    static let csrfHeader = HTTPField.Name("X-CSRF-Token")!

    static func setting(_ token: String, expiresAt: Timestamp, now: Timestamp) -> String {
        let seconds = max(0, (expiresAt.millisecondsSinceEpoch - now.millisecondsSinceEpoch) / 1_000)
        return "\(name)=\(token); Path=/; Max-Age=\(seconds); Secure; HttpOnly; SameSite=Lax"
    }

    static let clearing = "\(name)=; Path=/; Max-Age=0; Secure; HttpOnly; SameSite=Lax"

    /// The session token in a request's `Cookie` header, if any.
    static func token(in request: Request) -> String? {
        Cookies.value(named: name, in: request)
    }
}
