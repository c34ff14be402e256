import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import PatronCore
import PatronStore
import PatronTestSupport
import Testing

@testable import PatronServer

/// The audit log through the API: what changes and personal-data reads leave behind, what auditors can find,
/// and that the personal values themselves never enter it.
@Suite struct AuditAPITests {
    /// Every write the document describes either leaves an audit entry or is named as business feed, so a new
    /// route cannot skip the choice; every operation named exists.
    @Test func everyWriteChoosesAuditOrBusinessFeed() throws {
        let described = Set(AuditedOperations.operationIDs.values)
        let named = AuditedOperations.changes.union(AuditedOperations.personalDataReads)
            .union(AuditedOperations.businessFeed).union(AuditedOperations.recordedByHandler)
        #expect(named.subtracting(described).isEmpty, "\(named.subtracting(described).sorted())")
        let writes = AuditedOperations.operationIDs.filter { !$0.key.hasPrefix("GET ") }.map(\.value)
        let undecided = Set(writes).subtracting(named)
        #expect(undecided.isEmpty, "writes neither audited nor named business feed: \(undecided.sorted())")
    }

    @Test(arguments: TestDatabase.engines)
    func changesAndPersonalReadsAreRecordedWithoutPersonalValues(engine: DatabaseEngine) async throws {
        try await TestApplication.run(engine) { app in
            let created = try await app.request(
                .post, "/v1/members",
                json: ["external_id": "u-9", "email": "wang.fang@example.cn", "phone": "13800138000", "name": "王芳"],
                headers: [.userAgent: "crm-sync/2.1", RequestIDMiddleware.header: "sync-batch-77"])
            #expect(created.headers[RequestIDMiddleware.header] == "sync-batch-77")
            let memberID = try #require(created.json["member_id"]?.string)
            let read = try await app.request(.get, "/v1/members/\(memberID)")
            let readRequestID = try #require(read.headers[RequestIDMiddleware.header])
            _ = try await app.request(
                .post, "/v1/members/\(memberID)/points/adjustments", json: ["points": 50, "reason": "apology"],
                idempotencyKey: "sorry-1")
            // An order is business feed: it is in the ledger with its actor, not in the audit log.
            _ = try await app.request(.post, "/v1/orders", json: exampleOrder)

            let (_, auditorKey) = try await app.store.createAPIKey(name: "auditor", scopes: [.auditRead])
            #expect(try await app.request(.get, "/v1/audit").status == .ok)
            let (_, readerKey) = try await app.store.createAPIKey(name: "reader", scopes: [.membersRead])
            #expect(try await app.request(.get, "/v1/audit", key: readerKey).status == .forbidden)

            let trail = try await app.request(.get, "/v1/audit?object=\(memberID)", key: auditorKey)
            let entries = trail.json["data"]?.array ?? []
            #expect(entries.compactMap { $0["action"]?.string } == ["adjustPoints", "getMember", "upsertMember"])
            let adminKey = try #require(try await app.store.apiKeys().first { $0.name == "test admin" })
            #expect(entries.allSatisfy { $0["actor_id"]?.string == adminKey.id && $0["actor_kind"] == "api_key" })
            #expect(entries.last?["request_id"] == "sync-batch-77" && entries.last?["user_agent"] == "crm-sync/2.1")
            #expect(entries[1]["request_id"]?.string == readRequestID)

            let reads = try await app.request(.get, "/v1/audit?action=getMember&actor=\(adminKey.id)", key: auditorKey)
            #expect(reads.json["data"]?.array.count == 1)
            let none = try await app.request(.get, "/v1/audit?from=2099-01-01T00:00:00Z", key: auditorKey)
            #expect(none.json["data"]?.array.isEmpty == true)
            #expect(
                try await app.request(.get, "/v1/audit?from=yesterday", key: auditorKey).status == .unprocessableContent
            )

            let csv = try await app.request(.get, "/v1/audit/export", key: auditorKey)
            #expect(csv.headers[.contentType] == "text/csv; charset=utf-8")
            let lines = csv.text.split(separator: "\r\n")
            #expect(lines.first?.hasPrefix("sequence,at,actor_kind,actor_id,action,object_ids") == true)
            #expect(lines.count == 1 + 3)
            for secret in ["wang.fang", "13800138000", "王芳", app.adminKey] {
                #expect(!csv.text.contains(secret), "the audit log holds \(secret)")
            }
            #expect(try await app.store.verifyAuditChain().firstBreak == nil)
        }
    }
}
