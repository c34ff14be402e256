import Hummingbird
import PatronCore
import PatronStore

/// `/v1/members`: create-or-update by external id, read, change, list and look up members.
struct MembersController {
    let store: Store

    func addRoutes(to group: RouterGroup<PatronRequestContext>) {
        group.post("members", use: upsert)
        group.get("members", use: list)
        group.get("members/{member_id}", use: show)
        group.patch("members/{member_id}", use: update)
        group.get("members/{member_id}/orders", use: orders)
    }

    @Sendable func upsert(_ request: Request, context: PatronRequestContext) async throws -> Response {
        try context.require(.membersWrite)
        let (body, _) = try await JSONBody.read(request, context: context)
        var reader = FieldReader(body)
        let profile = MemberProfile.read(from: &reader)
        if profile.externalID == nil, reader.errors.isEmpty { reader.fail("external_id", "is required") }
        try reader.finish()
        let (member, created) = try await store.upsertMember(profile)
        return try JSONBody.response(MemberResource(member: member), status: created ? .created : .ok)
    }

    @Sendable func update(_ request: Request, context: PatronRequestContext) async throws -> Response {
        try context.require(.membersWrite)
        let memberID = try context.parameters.require("member_id")
        let (body, _) = try await JSONBody.read(request, context: context)
        var reader = FieldReader(body)
        if reader.raw("external_id") != nil { reader.fail("external_id", "cannot be changed") }
        let profile = MemberProfile.read(from: &reader, externalIDKey: nil)
        try reader.finish()
        let member = try await store.updateMember(id: memberID, with: profile)
        return try JSONBody.response(MemberResource(member: member))
    }

    @Sendable func show(_ request: Request, context: PatronRequestContext) async throws -> Response {
        try context.require(.membersRead)
        let memberID = try context.parameters.require("member_id")
        guard let member = try await store.member(id: memberID) else {
            throw MemberError.notFound(memberID: memberID)
        }
        return try JSONBody.response(MemberResource(member: member))
    }

    /// Without a look-up parameter, a page of all members; with `external_id`, `email` or `phone`,
    /// the one member it names (an empty list when none).
    @Sendable func list(_ request: Request, context: PatronRequestContext) async throws -> Response {
        try context.require(.membersRead)
        let query = request.uri.queryParameters
        if let externalID = query["external_id"] {
            return try single(try await store.member(externalID: String(externalID)))
        }
        if let email = query["email"] {
            guard let address = EmailAddress(String(email)) else {
                throw ValidationFailure(pointer: "?email", detail: "must be an email address")
            }
            return try single(try await store.member(.email, value: address.value))
        }
        if let phone = query["phone"] {
            guard let number = PhoneNumber(String(phone)) else {
                throw ValidationFailure(pointer: "?phone", detail: "must be a phone number")
            }
            return try single(try await store.member(.phone, value: number.e164))
        }
        let pagination = try Pagination(request)
        let page = try await store.members(after: pagination.cursor, limit: pagination.limit)
        return try JSONBody.response(
            PageResource(data: page.items.map(MemberResource.init), nextCursor: Pagination.encode(page.nextCursor)))
    }

    private func single(_ member: Member?) throws -> Response {
        try JSONBody.response(PageResource(data: member.map { [MemberResource(member: $0)] } ?? [], nextCursor: nil))
    }

    @Sendable func orders(_ request: Request, context: PatronRequestContext) async throws -> Response {
        try context.require(.ordersRead)
        let memberID = try context.parameters.require("member_id")
        let pagination = try Pagination(request)
        guard try await store.member(id: memberID) != nil else { throw MemberError.notFound(memberID: memberID) }
        let page = try await store.orders(memberID: memberID, after: pagination.cursor, limit: pagination.limit)
        return try JSONBody.response(
            PageResource(
                data: page.items.map { OrderResource(order: $0) }, nextCursor: Pagination.encode(page.nextCursor)))
    }
}
