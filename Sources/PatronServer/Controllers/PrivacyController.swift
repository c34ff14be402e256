import Hummingbird
import NIOCore
import PatronCore
import PatronStore

/// A member's rights over their data: `POST /v1/members/{id}/exports`, `POST /v1/members/{id}/erasure`, and
/// `GET /v1/privacy/requests`.
struct PrivacyController {
    let store: Store

    func addRoutes(to group: RouterGroup<PatronRequestContext>) {
        group.post("members/{member_id}/exports", use: export)
        group.post("members/{member_id}/erasure", use: erase)
        group.get("privacy/requests", use: list)
    }

    @Sendable func export(_ request: Request, context: PatronRequestContext) async throws -> Response {
        try context.require(.privacyManage)
        let memberID = try context.parameters.require("member_id")
        var query = QueryReader(request)
        let format = query.string("format") ?? "json"
        if format != "json" && format != "zip" { query.fail("format", "must be json or zip") }
        try query.finish()
        let (export, record) = try await store.exportMember(
            memberID, handledBy: context.actorID ?? "unknown", at: store.clock.now)
        let zip = format == "zip"
        let bytes =
            zip
            ? try MemberExportFiles.zip(export, requestID: record.id)
            : try MemberExportFiles.json(export, requestID: record.id)
        var headers: HTTPFields = [.contentType: zip ? "application/zip" : "application/json; charset=utf-8"]
        if zip { headers[.contentDisposition] = "attachment; filename=\"\(memberID)-export.zip\"" }
        return Response(status: .created, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    @Sendable func erase(_ request: Request, context: PatronRequestContext) async throws -> Response {
        try context.require(.privacyManage)
        let memberID = try context.parameters.require("member_id")
        let (record, erasedNow) = try await store.eraseMember(
            memberID, handledBy: context.actorID ?? "unknown", at: store.clock.now)
        return try JSONBody.response(PrivacyRequestResource(request: record), status: erasedNow ? .created : .ok)
    }

    @Sendable func list(_ request: Request, context: PatronRequestContext) async throws -> Response {
        try context.require(.privacyManage)
        var query = QueryReader(request)
        let memberID = query.string("member_id")
        if let memberID, memberID.count > 128 || memberID.trimmingWhitespace().isEmpty {
            query.fail("member_id", "must be 1 to 128 characters, not only spaces")
        }
        let pagination = Pagination(reading: &query)
        try query.finish()
        let page = try await store.privacyRequests(
            memberID: memberID, after: pagination.cursor, limit: pagination.limit)
        return try JSONBody.response(
            PageResource(
                data: page.items.map(PrivacyRequestResource.init), nextCursor: Pagination.encode(page.nextCursor)))
    }
}

/// A privacy request as the API shows it.
struct PrivacyRequestResource: Encodable {
    let request: PrivacyRequest

    private enum CodingKeys: String, CodingKey {
        case kind, state, outcome
        case requestID = "request_id"
        case memberID = "member_id"
        case receivedAt = "received_at"
        case dueAt = "due_at"
        case completedAt = "completed_at"
        case handledBy = "handled_by"
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(request.id, forKey: .requestID)
        try container.encode(request.kind.rawValue, forKey: .kind)
        try container.encode(request.memberID, forKey: .memberID)
        try container.encode(request.state.rawValue, forKey: .state)
        try container.encode(request.receivedAt, forKey: .receivedAt)
        try container.encode(request.dueAt, forKey: .dueAt)
        try container.encode(request.completedAt, forKey: .completedAt)
        try container.encode(request.handledBy, forKey: .handledBy)
        try container.encode(request.outcome, forKey: .outcome)
    }
}
