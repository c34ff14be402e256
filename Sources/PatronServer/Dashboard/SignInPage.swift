import Hummingbird
import PatronCore
import PatronStore

/// Signing in and out of the dashboard, and choosing its language. Signing in takes the password and, for
/// accounts with an authenticator, its code (or a recovery code) on one form.
struct SignInPage {
    let store: Store

    func addRoutes(public group: RouterGroup<PatronRequestContext>, signingIn: RouterGroup<PatronRequestContext>) {
        group.get("sign-in", use: show)
        group.get("language/{language}", use: chooseLanguage)
        signingIn.post("sign-in", use: signIn)
    }

    func addSessionRoutes(to router: RouterGroup<PatronRequestContext>) {
        router.post("sign-out", use: signOut)
    }

    @Sendable func show(_ request: Request, context: PatronRequestContext) async throws -> Response {
        let view = View(request: request, context: context)
        return form(view, next: Form.query("next", in: request), email: "", problem: nil)
    }

    @Sendable func signIn(_ request: Request, context: PatronRequestContext) async throws -> Response {
        var request = request
        let fields = try await Form.read(&request)
        let view = View(request: request, context: context)
        let next = fields["next"]
        let email = fields["email"] ?? ""
        guard DashboardGate.isSameOrigin(request) else {
            return form(view, next: next, email: email, problem: view.text(.formExpired), status: .forbidden)
        }
        let code = fields["code"].map { $0.filter { !$0.isWhitespace } }.flatMap { $0.isEmpty ? nil : $0 }
        do {
            // Six digits are an authenticator's code; anything longer is a recovery code.
            let session = try await store.signIn(
                email: email, password: fields["password"] ?? "",
                oneTimeCode: code.flatMap { $0.count <= 8 ? $0 : nil },
                recoveryCode: code.flatMap { $0.count > 8 ? $0 : nil },
                from: ClientOrigin(address: context.clientAddress, userAgent: request.headers[.userAgent]))
            try await store.audit(
                context.auditEvent(
                    "signIn", objectIDs: [session.user.id], request: request, staffUserID: session.user.id))
            let cookie = session.token.map {
                SessionCookie.setting($0, expiresAt: session.expiresAt, now: store.clock.now)
            }
            return DashboardGate.redirect(to: DashboardGate.safeReturn(next), cookies: cookie.map { [$0] } ?? [])
        } catch let error as StaffError {
            let problem: String =
                switch error {
                case .secondFactorRequired: view.text(.signInCodeRequired)
                case .secondFactorNotEnrolled: view.text(.signInFinishSetup)
                case .tooManyAttempts, .lockedOut: view.text(.signInTooManyAttempts)
                default: view.text(.signInFailed)
                }
            return form(view, next: next, email: email, problem: problem, status: .unprocessableContent)
        }
    }

    @Sendable func signOut(_ request: Request, context: PatronRequestContext) async throws -> Response {
        if let token = SessionCookie.token(in: request) { try await store.signOut(token: token) }
        return DashboardGate.redirect(to: "/sign-in", cookies: [SessionCookie.clearing])
    }

    /// Remembers the language for a year and goes back to the page it was chosen on.
    @Sendable func chooseLanguage(_ request: Request, context: PatronRequestContext) async throws -> Response {
        let language = Language(rawValue: try context.parameters.require("language")) ?? .zh
        let next = DashboardGate.safeReturn(Form.query("next", in: request))
        return DashboardGate.redirect(
            to: next,
            cookies: ["\(Language.cookieName)=\(language.rawValue); Path=/; Max-Age=31536000; SameSite=Lax"])
    }

    func form(
        _ view: View, next: String?, email: String, problem: String?, status: HTTPResponse.Status = .ok
    ) -> Response {
        let alert: Markup = problem.map { "<p class=\"problem\" role=\"alert\">\($0)</p>" } ?? .empty
        let body: Markup = """
            <div class="card narrow">\(alert)
            <form method="post" action="/sign-in">
            <input type="hidden" name="next" value="\(DashboardGate.safeReturn(next))">
            <label for="email">\(view.text(.email))</label>
            <input id="email" name="email" type="email" autocomplete="username" required value="\(email)">
            <label for="password">\(view.text(.password))</label>
            <input id="password" name="password" type="password" autocomplete="current-password" required>
            <label for="code">\(view.text(.signInCode))</label>
            <input id="code" name="code" inputmode="numeric" autocomplete="one-time-code" aria-describedby="code-hint">
            <p id="code-hint" class="muted">\(view.text(.signInCodeHint))</p>
            <p><button type="submit">\(view.text(.signIn))</button></p>
            </form></div>
            """
        return view.page(view.text(.signInTitle), section: nil, body: body, status: status)
    }
}
