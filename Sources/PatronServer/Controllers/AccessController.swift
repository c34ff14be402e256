import HTTPTypes
import Hummingbird
import PatronCore
import PatronStore

/// Signing in and out, who a request acts for, and the set-up link that turns an invitation into an account.
struct AccessController {
    let store: Store

    /// Routes anyone may call: signing in and using a set-up link.
    func addPublicRoutes(to group: RouterGroup<PatronRequestContext>) {
        group.post("auth/sessions", use: signIn)
        group.get("auth/setup/{token}", use: setup)
        group.post("auth/setup/{token}", use: completeSetup)
    }

    func addRoutes(to group: RouterGroup<PatronRequestContext>) {
        group.get("auth/session", use: current)
        group.delete("auth/session", use: signOut)
        group.delete("auth/sessions", use: signOutEverywhere)
    }

    /// `{"email", "password", "one_time_code" | "recovery_code"}`: 201 with the session cookie and the CSRF token
    /// that every write through the cookie must repeat.
    @Sendable func signIn(_ request: Request, context: PatronRequestContext) async throws -> Response {
        let (body, _) = try await JSONBody.read(request, context: context)
        var reader = FieldReader(body)
        let email = reader.string("email", required: true, maxLength: 254)
        let password = reader.string("password", required: true, maxLength: 1024)
        let oneTimeCode = reader.string("one_time_code", maxLength: 16)
        let recoveryCode = reader.string("recovery_code", maxLength: 32)
        try reader.finish()
        let session = try await store.signIn(
            email: email ?? "", password: password ?? "", oneTimeCode: oneTimeCode, recoveryCode: recoveryCode,
            from: ClientOrigin(address: context.clientAddress, userAgent: request.headers[.userAgent]))
        try await store.audit(
            context.auditEvent("signIn", objectIDs: [session.user.id], request: request, staffUserID: session.user.id))
        var response = try JSONBody.response(PrincipalResource(principal: .staff(session)), status: .created)
        if let token = session.token {
            response.headers[.setCookie] = SessionCookie.setting(
                token, expiresAt: session.expiresAt, now: store.clock.now)
        }
        return response
    }

    @Sendable func current(_ request: Request, context: PatronRequestContext) async throws -> Response {
        guard let principal = context.principal else { throw Problem.unauthorized() }
        return try JSONBody.response(PrincipalResource(principal: principal))
    }

    /// Ends this session and clears its cookie.
    @Sendable func signOut(_ request: Request, context: PatronRequestContext) async throws -> Response {
        guard case .staff = context.principal, let token = SessionCookie.token(in: request) else {
            throw Self.noSession
        }
        try await store.signOut(token: token)
        return Response(status: .noContent, headers: [.setCookie: SessionCookie.clearing])
    }

    /// Ends every session of the signed-in person, on every device.
    @Sendable func signOutEverywhere(_ request: Request, context: PatronRequestContext) async throws -> Response {
        guard case .staff(let session) = context.principal else { throw Self.noSession }
        try await store.signOutEverywhere(userID: session.user.id)
        return Response(status: .noContent, headers: [.setCookie: SessionCookie.clearing])
    }

    /// Who the link is for and the authenticator secret to enrol.
    @Sendable func setup(_ request: Request, context: PatronRequestContext) async throws -> Response {
        let setup = try await store.staffSetup(token: try context.parameters.require("token"))
        return try JSONBody.response(StaffSetupResource(setup: setup))
    }

    /// `{"password", "one_time_code"}`: the account becomes active; recovery codes are in the answer, once.
    @Sendable func completeSetup(_ request: Request, context: PatronRequestContext) async throws -> Response {
        let token = try context.parameters.require("token")
        let (body, _) = try await JSONBody.read(request, context: context)
        var reader = FieldReader(body)
        let password = reader.string("password", required: true, maxLength: 1024)
        let oneTimeCode = reader.string("one_time_code", maxLength: 16)
        try reader.finish()
        let (user, recoveryCodes) = try await store.completeStaffSetup(
            token: token, password: password ?? "", oneTimeCode: oneTimeCode)
        try await store.audit(
            context.auditEvent("completeSetup", objectIDs: [user.id], request: request, staffUserID: user.id))
        return try JSONBody.response(SetupResultResource(user: user, recoveryCodes: recoveryCodes))
    }

    static let noSession = Problem(
        status: .conflict, title: "No Session", detail: "this request was made with an API key, which has no session")
}
