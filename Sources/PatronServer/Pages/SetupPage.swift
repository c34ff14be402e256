import Hummingbird
import PatronCore
import PatronStore

/// The page a set-up link opens in a browser: the account, the authenticator secret, and a form for the password
/// and the first code. It posts to itself; the link's token is what authorises it.
struct SetupPage {
    let store: Store

    func addRoutes(to group: RouterGroup<PatronRequestContext>) {
        group.get("setup/{token}", use: show)
        group.post("setup/{token}", use: complete)
    }

    @Sendable func show(_ request: Request, context: PatronRequestContext) async throws -> Response {
        let view = View(request: request, context: context)
        do {
            return form(view, try await store.staffSetup(token: try context.parameters.require("token")), problems: [])
        } catch StaffError.setupLinkInvalid {
            return Self.invalidLink(view)
        }
    }

    @Sendable func complete(_ request: Request, context: PatronRequestContext) async throws -> Response {
        var request = request
        let token = try context.parameters.require("token")
        // A malformed form reads as an empty one, which the password rules then refuse on the page.
        let fields = try await Form.read(&request)
        let view = View(request: request, context: context)
        let code = fields["one_time_code"].flatMap { $0.isEmpty ? nil : $0 }
        do {
            let (user, recoveryCodes) = try await store.completeStaffSetup(
                token: token, password: fields["password"] ?? "", oneTimeCode: code)
            try await store.audit(
                context.auditEvent("completeSetup", objectIDs: [user.id], request: request, staffUserID: user.id))
            return done(view, user, recoveryCodes: recoveryCodes)
        } catch StaffError.setupLinkInvalid {
            return Self.invalidLink(view)
        } catch let error as StaffError {
            return form(
                view, try await store.staffSetup(token: token), problems: Self.problems(of: error, view),
                status: .unprocessableContent)
        }
    }

    /// Why the set-up was refused, in the page's language.
    static func problems(of error: StaffError, _ view: View) -> [String] {
        switch error {
        case .weakPassword(let problems):
            problems.map { problem in
                switch problem {
                case .tooShort(let minimum): view.text(.passwordTooShort, ["minimum": String(minimum)])
                case .tooLong(let maximum): view.text(.passwordTooLong, ["maximum": String(maximum)])
                case .common: view.text(.passwordCommon)
                case .containsEmail: view.text(.passwordContainsEmail)
                case .predictable: view.text(.passwordPredictable)
                }
            }
        case .oneTimeCodeRequired: [view.text(.oneTimeCodeNeeded)]
        default: [error.description]
        }
    }

    func form(_ view: View, _ setup: StaffSetup, problems: [String], status: HTTPResponse.Status = .ok) -> Response {
        let alert: Markup =
            problems.isEmpty
            ? .empty
            : "<div class=\"problem\" role=\"alert\"><ul>\(problems.map { "<li>\($0)</li>" as Markup })</ul></div>"
        let codeHint = view.text(setup.user.role.requiresTwoFactor ? .setupCodeRequired : .setupCodeOptional)
        let body: Markup = """
            <p>\(setup.user.email) · \(setup.user.role.name)</p>
            \(alert)
            <section class="card"><h2>\(view.text(.setupAuthenticator))</h2>
            <p>\(view.text(.setupAddKey)) <code id="code">\(setup.oneTimeCodeSecret)</code></p>
            <p><a href="\(setup.provisioningURI)">\(view.text(.setupOpenHere))</a></p></section>
            <section class="card"><h2>\(view.text(.setupPasswordAndCode))</h2>
            <form method="post">
            <label for="password">\(view.text(.setupPassword, ["length": String(PasswordPolicy.minimumLength)]))</label>
            <input id="password" name="password" type="password" autocomplete="new-password" required \
            minlength="\(String(PasswordPolicy.minimumLength))">
            <label for="one_time_code">\(view.text(.setupCode))</label>
            <input id="one_time_code" name="one_time_code" inputmode="numeric" autocomplete="one-time-code" \
            aria-describedby="code-hint"> <p id="code-hint" class="muted">\(codeHint)</p>
            <p><button type="submit">\(view.text(.setupFinish))</button></p>
            </form></section>
            """
        return view.page(view.text(.setupTitle), section: nil, body: body, status: status)
    }

    func done(_ view: View, _ user: StaffUser, recoveryCodes: [String]?) -> Response {
        let codes: Markup =
            recoveryCodes.map { codes in
                """
                <section class="card"><h2>\(view.text(.setupRecoveryCodes))</h2><p>\(view.text(.setupRecoveryHint))</p>
                <ul>\(codes.map { "<li><code>\($0)</code></li>" as Markup })</ul></section>
                """
            } ?? .empty
        let body: Markup = """
            <p>\(user.email) · \(user.role.name)</p>
            \(codes)
            <p><a href="/sign-in">\(view.text(.signIn))</a></p>
            """
        return view.page(view.text(.setupReady), section: nil, body: body)
    }

    static func invalidLink(_ view: View) -> Response {
        view.page(
            view.text(.setupLinkInvalidTitle), section: nil, body: "<p>\(view.text(.setupLinkInvalid))</p>",
            status: .notFound)
    }
}
