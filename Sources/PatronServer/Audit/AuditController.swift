import Hummingbird
import NIOCore
import PatronCore
import PatronStore

/// The audit log for auditors: filtered pages as JSON, or every matching entry as CSV.
struct AuditController {
    let store: Store

    func addRoutes(to group: RouterGroup<PatronRequestContext>) {
        group.get("audit", use: list)
        group.get("audit/export", use: export)
    }

    /// `?actor=&object=&action=&from=&to=&limit=&cursor=`, newest first.
    @Sendable func list(_ request: Request, context: PatronRequestContext) async throws -> Response {
        try context.require(.auditRead)
        var reader = QueryReader(request)
        var query = Self.query(&reader)
        let pagination = Pagination(reading: &reader)
        try reader.finish()
        query.limit = pagination.limit
        query.before = pagination.cursor.flatMap { Int64($0) }
        let page = try await store.auditEntries(query)
        return try JSONBody.response(
            PageResource(
                data: page.items.map(AuditRecordResource.init), nextCursor: Pagination.encode(page.nextCursor)))
    }

    /// The same filters, every matching entry, newest first, as `text/csv`; streamed page by page.
    @Sendable func export(_ request: Request, context: PatronRequestContext) async throws -> Response {
        try context.require(.auditRead)
        var reader = QueryReader(request)
        var query = Self.query(&reader)
        try reader.finish()
        query.limit = 1_000
        let first = query
        let store = store
        let body = ResponseBody { writer in
            try await writer.write(ByteBuffer(string: AuditCSV.header))
            var next = first
            while true {
                let page = try await store.auditEntries(next)
                try await writer.write(ByteBuffer(string: page.items.map(AuditCSV.line).joined()))
                guard let cursor = page.nextCursor, let before = Int64(cursor) else { break }
                next.before = before
            }
            try await writer.finish(nil)
        }
        return Response(
            status: .ok,
            headers: [
                .contentType: "text/csv; charset=utf-8",
                .contentDisposition: "attachment; filename=\"patron-audit.csv\"",
            ], body: body)
    }

    /// The filters, each at most as long as the document says.
    static func query(_ reader: inout QueryReader) -> AuditQuery {
        func text(_ name: String, maxLength: Int) -> String? {
            guard let value = reader.string(name) else { return nil }
            guard value.unicodeScalars.count <= maxLength else {
                reader.fail(name, "must be at most \(maxLength) characters")
                return nil
            }
            return value
        }
        return AuditQuery(
            actorID: text("actor", maxLength: 128), objectID: text("object", maxLength: 256),
            action: text("action", maxLength: 64), from: reader.timestamp("from"), to: reader.timestamp("to"))
    }
}
