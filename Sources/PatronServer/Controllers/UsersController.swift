import Hummingbird
import PatronCore
import PatronStore

/// Staff accounts and roles, for those holding `staff:manage`: nobody hands out a permission they lack, and only
/// owners manage owners.
struct UsersController {
    let store: Store
    /// Where set-up links point: the server's public address.
    let publicURL: String

    func addRoutes(to group: RouterGroup<PatronRequestContext>) {
        group.get("users", use: list)
        group.post("users", use: invite)
        group.get("users/{user_id}", use: show)
        group.post("users/{user_id}/disable", use: disable)
        group.post("users/{user_id}/unlock", use: unlock)
        group.post("users/{user_id}/reset-second-factor", use: resetSecondFactor)
        group.get("roles", use: roles)
        group.post("roles", use: createRole)
    }

    @Sendable func list(_ request: Request, context: PatronRequestContext) async throws -> Response {
        try context.require(.staffManage)
        return try JSONBody.response(["data": try await store.staffUsers().map(StaffUserResource.init)])
    }

    /// `{"email", "role", "stores"?}`: 201 with the account and its one-time set-up link.
    @Sendable func invite(_ request: Request, context: PatronRequestContext) async throws -> Response {
        try context.require(.staffManage)
        let (body, _) = try await JSONBody.read(request, context: context)
        var reader = FieldReader(body)
        let email = reader.string("email", required: true, maxLength: 254)
        let role = reader.string("role", required: true, maxLength: 64)
        let stores = reader.strings("stores", maxLength: 128)
        for (index, store) in (stores ?? []).enumerated() where store.trimmingWhitespace().isEmpty {
            reader.fail("stores/\(index)", "must not be blank")
        }
        if let email, EmailAddress(email) == nil { reader.fail("email", "must be an email address") }
        try reader.finish()
        let invitation = try await store.inviteStaff(
            email: email ?? "", roleName: role ?? "", stores: stores.map(Set.init),
            actingRole: context.principal?.managingRole)
        context.auditNotes.add([invitation.user.id])
        return try JSONBody.response(
            StaffInvitationResource(invitation: invitation, setupURL: setupURL(invitation)), status: .created)
    }

    @Sendable func show(_ request: Request, context: PatronRequestContext) async throws -> Response {
        try context.require(.staffManage)
        let userID = try context.parameters.require("user_id")
        guard let user = try await store.staffUser(id: userID) else { throw StaffError.userNotFound(userID) }
        return try JSONBody.response(StaffUserResource(user: user))
    }

    /// Disables the account and ends its sessions.
    @Sendable func disable(_ request: Request, context: PatronRequestContext) async throws -> Response {
        try context.require(.staffManage)
        let user = try await store.disableStaff(
            id: try context.parameters.require("user_id"), actingRole: context.principal?.managingRole)
        return try JSONBody.response(StaffUserResource(user: user))
    }

    /// Lifts a lock-out after failed sign-ins.
    @Sendable func unlock(_ request: Request, context: PatronRequestContext) async throws -> Response {
        try context.require(.staffManage)
        let user = try await store.unlockStaff(
            id: try context.parameters.require("user_id"), actingRole: context.principal?.managingRole)
        return try JSONBody.response(StaffUserResource(user: user))
    }

    /// Forgets the authenticator and recovery codes, ends the sessions, and answers a new set-up link.
    @Sendable func resetSecondFactor(_ request: Request, context: PatronRequestContext) async throws -> Response {
        try context.require(.staffManage)
        let invitation = try await store.resetStaffSecondFactor(
            id: try context.parameters.require("user_id"), actingRole: context.principal?.managingRole)
        return try JSONBody.response(StaffInvitationResource(invitation: invitation, setupURL: setupURL(invitation)))
    }

    @Sendable func roles(_ request: Request, context: PatronRequestContext) async throws -> Response {
        try context.require(.staffManage)
        return try JSONBody.response(["data": try await store.staffRoles().map(StaffRoleResource.init)])
    }

    /// `{"name", "permissions": [...], "adjustment_limit"?}`: a custom role. Only permissions the caller holds
    /// may be put in it.
    @Sendable func createRole(_ request: Request, context: PatronRequestContext) async throws -> Response {
        try context.require(.staffManage)
        let (body, _) = try await JSONBody.read(request, context: context)
        var reader = FieldReader(body)
        let name = reader.string("name", required: true, maxLength: 64)
        let permissionNames = reader.strings("permissions", maxLength: 64) ?? []
        let limit = reader.integer("adjustment_limit")
        if reader.raw("permissions") == nil { reader.fail("permissions", "is required") }
        var permissions = Set<Scope>()
        for (index, permission) in permissionNames.enumerated() {
            if let scope = Scope(rawValue: permission) {
                permissions.insert(scope)
            } else {
                reader.fail("permissions/\(index)", "is not a permission")
            }
        }
        if let name, name.trimmingWhitespace().isEmpty { reader.fail("name", "must not be empty") }
        if let limit, limit < 0 { reader.fail("adjustment_limit", "must not be negative") }
        try reader.finish()
        let role = StaffRole(name: name ?? "", permissions: permissions, adjustmentLimit: limit)
        if let acting = context.principal?.managingRole, !acting.mayManage(role) {
            throw StaffError.notPermitted(role: role.name)
        }
        try await store.createStaffRole(role)
        context.auditNotes.add([role.name])
        return try JSONBody.response(StaffRoleResource(role: role), status: .created)
    }

    func setupURL(_ invitation: StaffInvitation) -> String {
        publicURL + "/setup/" + invitation.setupToken
    }
}
