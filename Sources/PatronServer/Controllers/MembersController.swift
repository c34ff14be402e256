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
        let consents = ConsentRecord.readList("consents", from: &reader, at: store.clock.now) ?? []
        if profile.externalID == nil, reader.errors.isEmpty { reader.fail("external_id", "is required") }
        try reader.finish()
        let (member, created) = try await store.upsertMember(
            profile, consents: consents, recordedBy: context.actorID ?? "unknown")
        context.auditNotes.add([member.id])
        return try JSONBody.response(MemberResource(member: member), status: created ? .created : .ok)
    }

    @Sendable func update(_ request: Request, context: PatronRequestContext) async throws -> Response {
        try context.require(.membersWrite)
        let memberID = try context.parameters.require("member_id")
        let (body, _) = try await JSONBody.read(request, context: context)
        var reader = FieldReader(body)
        if reader.raw("external_id") != nil { reader.fail("external_id", "cannot be changed") }
        let profile = MemberProfile.read(from: &reader, externalIDKey: nil)
        let consents = ConsentRecord.readList("consents", from: &reader, at: store.clock.now) ?? []
        try reader.finish()
        let member = try await store.updateMember(
            id: memberID, with: profile, consents: consents, recordedBy: context.actorID ?? "unknown")
        return try JSONBody.response(MemberResource(member: member))
    }

    @Sendable func show(_ request: Request, context: PatronRequestContext) async throws -> Response {
        let memberID = try context.parameters.require("member_id")
        try context.require(.membersRead, member: memberID)
        guard let member = try await store.member(id: memberID) else {
            throw MemberError.notFound(memberID: memberID)
        }
        return try JSONBody.response(MemberResource(member: member))
    }

    /// Without a look-up parameter, a page of all members; with one of `external_id`, `email` or `phone`,
    /// the one member it names (an empty list when none). Every parameter is checked, used or not.
    @Sendable func list(_ request: Request, context: PatronRequestContext) async throws -> Response {
        try context.require(.membersRead)
        var query = QueryReader(request)
        let externalID = query.string("external_id")
        var email: EmailAddress?
        if let text = query.string("email") {
            email = EmailAddress(text)
            if email == nil { query.fail("email", "must be an email address") }
        }
        var phone: PhoneNumber?
        if let text = query.string("phone") {
            phone = PhoneNumber(text)
            if phone == nil { query.fail("phone", "must be a phone number") }
        }
        let lookups = ["external_id", "email", "phone"].filter { query.contains($0) }
        for name in lookups.dropFirst() { query.fail(name, "cannot be combined with \(lookups[0]); give one") }
        let pagination = Pagination(reading: &query)
        try query.finish()
        if let externalID { return try single(try await store.member(externalID: externalID), context: context) }
        if let email { return try single(try await store.member(.email, value: email.value), context: context) }
        if let phone { return try single(try await store.member(.phone, value: phone.e164), context: context) }
        let page = try await store.members(after: pagination.cursor, limit: pagination.limit)
        context.auditNotes.add(page.items.map(\.id))
        return try JSONBody.response(
            PageResource(data: page.items.map(MemberResource.init), nextCursor: Pagination.encode(page.nextCursor)))
    }

    private func single(_ member: Member?, context: PatronRequestContext) throws -> Response {
        context.auditNotes.add(member.map { [$0.id] } ?? [])
        return try JSONBody.response(
            PageResource(data: member.map { [MemberResource(member: $0)] } ?? [], nextCursor: nil))
    }

    @Sendable func orders(_ request: Request, context: PatronRequestContext) async throws -> Response {
        let memberID = try context.parameters.require("member_id")
        try context.require(.ordersRead, member: memberID)
        let pagination = try Pagination(request)
        guard try await store.member(id: memberID) != nil else { throw MemberError.notFound(memberID: memberID) }
        let page = try await store.orders(memberID: memberID, after: pagination.cursor, limit: pagination.limit)
        return try JSONBody.response(
            PageResource(
                data: page.items.map { OrderResource(order: $0) }, nextCursor: Pagination.encode(page.nextCursor)))
    }
}
