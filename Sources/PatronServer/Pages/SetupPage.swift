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
        do {
            return form(try await store.staffSetup(token: try context.parameters.require("token")), problems: [])
        } catch StaffError.setupLinkInvalid {
            return Self.invalidLink
        }
    }

    @Sendable func complete(_ request: Request, context: PatronRequestContext) async throws -> Response {
        let token = try context.parameters.require("token")
        let body = String(buffer: try await request.body.collect(upTo: 16_384))
        // A malformed form reads as an empty one, which the password rules then refuse on the page.
        let fields = (try? URLEncodedFormDecoder().decode([String: String].self, from: body)) ?? [:]
        let code = fields["one_time_code"].flatMap { $0.isEmpty ? nil : $0 }
        do {
            let (user, recoveryCodes) = try await store.completeStaffSetup(
                token: token, password: fields["password"] ?? "", oneTimeCode: code)
            try await store.audit(
                context.auditEvent("completeSetup", objectIDs: [user.id], request: request, staffUserID: user.id))
            return done(user, recoveryCodes: recoveryCodes)
        } catch StaffError.setupLinkInvalid {
            return Self.invalidLink
        } catch let error as StaffError {
            return form(
                try await store.staffSetup(token: token), problems: [error.description], status: .unprocessableContent)
        }
    }

    func form(_ setup: StaffSetup, problems: [String], status: HTTPResponse.Status = .ok) -> Response {
        let problemList =
            problems.isEmpty
            ? "" : "<ul role=\"alert\">" + problems.map { "<li>\(HTML.escape($0))</li>" }.joined() + "</ul>"
        let codeHint =
            setup.user.role.requiresTwoFactor
            ? "必填 Required for this role" : "可选 Optional: leave empty to sign in with the password alone"
        let body = """
            <h1>设置账户 Set up your account</h1>
            <p>\(HTML.escape(setup.user.email)) · \(HTML.escape(setup.user.role.name))</p>
            \(problemList)
            <h2>1. 身份验证器 Authenticator app</h2>
            <p>在身份验证器中添加此密钥 Add this key to your authenticator app:
            <code>\(HTML.escape(setup.oneTimeCodeSecret))</code></p>
            <p><a href="\(HTML.escape(setup.provisioningURI))">在此设备上打开 Open on this device</a></p>
            <h2>2. 密码与验证码 Password and code</h2>
            <form method="post">
            <p><label for="password">密码 Password (至少 at least \(PasswordPolicy.minimumLength))</label>
            <input id="password" name="password" type="password" autocomplete="new-password" required
             minlength="\(PasswordPolicy.minimumLength)"></p>
            <p><label for="one_time_code">验证码 Code from the app</label>
            <input id="one_time_code" name="one_time_code" inputmode="numeric" autocomplete="one-time-code"
             aria-describedby="code-hint"> <span id="code-hint">\(codeHint)</span></p>
            <p><button type="submit">完成 Finish</button></p>
            </form>
            """
        return HTML.page(title: "Patron", body: body, status: status)
    }

    func done(_ user: StaffUser, recoveryCodes: [String]?) -> Response {
        let codes =
            recoveryCodes.map { codes in
                "<h2>恢复码 Recovery codes</h2><p>每个只能用一次，现在保存；不会再次显示。 Each works once. "
                    + "Keep them now; they are not shown again.</p><ul>"
                    + codes.map { "<li><code>\(HTML.escape($0))</code></li>" }.joined() + "</ul>"
            } ?? ""
        let body = """
            <h1>账户已就绪 Your account is ready</h1>
            <p>\(HTML.escape(user.email)) · \(HTML.escape(user.role.name))</p>
            \(codes)
            """
        return HTML.page(title: "Patron", body: body)
    }

    static let invalidLink = HTML.page(
        title: "Patron",
        body: "<h1>链接无效 Link not valid</h1><p>此链接未知、已使用或已过期；请向所有者或管理员索取新链接。 "
            + "This link is unknown, used or expired; ask an owner or admin for a new one.</p>",
        status: .notFound)
}
