import Foundation
import PatronCore
import SQLKit

extension Store {
    /// Requests newest first, optionally of one member, after the request id `cursor`.
    public func privacyRequests(
        memberID: String? = nil, after cursor: String?, limit: Int
    ) async throws -> Page<
        PrivacyRequest
    > {
        try await database.read { database in
            var sql = SQLQueryString("SELECT * FROM privacy_requests WHERE 1 = 1")
            if let memberID { sql = sql + " AND member_id = \(bind: memberID)" }
            if let cursor { sql = sql + " AND id < \(bind: cursor)" }
            sql = sql + " ORDER BY id DESC LIMIT \(bind: limit + 1)"
            let requests = try await database.raw(sql).all().map(Self.privacyRequest(from:))
            let page = Array(requests.prefix(limit))
            return Page(items: page, nextCursor: requests.count > limit ? page.last?.id : nil)
        }
    }

    static func privacyRequests(
        of memberID: String, kind: PrivacyRequest.Kind, in database: any SQLDatabase
    ) async throws -> [PrivacyRequest] {
        try await database.raw(
            """
            SELECT * FROM privacy_requests WHERE member_id = \(bind: memberID) AND kind = \(bind: kind.rawValue)
            ORDER BY id
            """
        ).all().map(privacyRequest(from:))
    }

    static func insert(_ request: PrivacyRequest, in database: any SQLDatabase) async throws {
        let outcome = try JSONCoding.encode(.object(request.outcome.mapValues { .number(Double($0)) }))
        try await database.raw(
            """
            INSERT INTO privacy_requests (id, kind, member_id, state, received_at, due_at, completed_at, handled_by,
                                          outcome)
            VALUES (\(bind: request.id), \(bind: request.kind.rawValue), \(bind: request.memberID),
                    \(bind: request.state.rawValue), \(bind: request.receivedAt.millisecondsSinceEpoch),
                    \(bind: request.dueAt.millisecondsSinceEpoch), \(bind: request.completedAt?.millisecondsSinceEpoch),
                    \(bind: request.handledBy), \(bind: outcome))
            """
        ).run()
    }

    private static func privacyRequest(from row: any SQLRow) throws -> PrivacyRequest {
        func instant(_ column: String) throws -> Timestamp? {
            try row.decode(column: column, as: Int64?.self).map(Timestamp.init(millisecondsSinceEpoch:))
        }
        let outcome = try row.decode(column: "outcome", as: String.self)
        return PrivacyRequest(
            id: try row.decode(column: "id", as: String.self),
            kind: PrivacyRequest.Kind(rawValue: try row.decode(column: "kind", as: String.self)) ?? .export,
            memberID: try row.decode(column: "member_id", as: String.self),
            state: PrivacyRequest.State(rawValue: try row.decode(column: "state", as: String.self)) ?? .completed,
            receivedAt: try instant("received_at") ?? Timestamp(millisecondsSinceEpoch: 0),
            dueAt: try instant("due_at") ?? Timestamp(millisecondsSinceEpoch: 0),
            completedAt: try instant("completed_at"),
            handledBy: try row.decode(column: "handled_by", as: String.self),
            outcome: try JSONDecoder().decode([String: Int64].self, from: Data(outcome.utf8)))
    }
}
