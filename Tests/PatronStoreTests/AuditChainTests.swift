import PatronCore
import PatronStore
import PatronTestSupport
import SQLKit
import Testing

/// The audit log's hash chain on a real database: concurrent appends stay in one chain, and an edited or removed
/// entry is found by walking it.
@Suite struct AuditChainTests {
    static func event(_ number: Int) -> AuditEvent {
        AuditEvent(
            actorKind: .apiKey, actorID: "key_\(number % 3)",
            action: number.isMultiple(of: 2) ? "putRule" : "getMember",
            objectIDs: ["mem_\(number)", "shared"], address: "203.0.113.\(number % 250)", userAgent: "till/1.0",
            requestID: "req_\(number)")
    }

    @Test(arguments: TestDatabase.engines)
    func concurrentAppendsFormOneChain(engine: DatabaseEngine) async throws {
        try await TestDatabase.withStore(engine) { store in
            try await withThrowingTaskGroup(of: Void.self) { group in
                for number in 0..<60 { group.addTask { try await store.audit(Self.event(number)) } }
                try await group.waitForAll()
            }
            let verification = try await store.verifyAuditChain()
            #expect(verification.checked == 60 && verification.firstBreak == nil)
            let page = try await store.auditEntries(AuditQuery(limit: 100))
            #expect(page.items.map(\.entry.sequence) == Array((1...60).reversed()))
            #expect(Set(page.items.map(\.entry.event.requestID)).count == 60)
            #expect(page.items.last?.previousHash == String(repeating: "0", count: 64))

            let byObject = try await store.auditEntries(AuditQuery(objectID: "mem_7"))
            #expect(byObject.items.map(\.entry.event.requestID) == ["req_7"])
            let byActor = try await store.auditEntries(AuditQuery(actorID: "key_1", action: "getMember", limit: 5))
            #expect(byActor.items.count == 5 && byActor.nextCursor != nil)
            #expect(
                byActor.items.allSatisfy { $0.entry.event.actorID == "key_1" && $0.entry.event.action == "getMember" })
            let rest = try await store.auditEntries(
                AuditQuery(
                    actorID: "key_1", action: "getMember", limit: 100, before: byActor.nextCursor.flatMap { Int64($0) })
            )
            #expect(rest.items.count == 5 && rest.nextCursor == nil)
        }
    }

    @Test(arguments: TestDatabase.engines)
    func editsAndRemovalsBreakTheChainWhereTheyHappen(engine: DatabaseEngine) async throws {
        try await TestDatabase.withStore(engine) { store in
            for number in 1...5 { try await store.audit(Self.event(number)) }
            let intact = try await store.verifyAuditChain()
            #expect(intact.checked == 5 && intact.firstBreak == nil)

            // Someone with database access rewrites who did entry 3.
            try await store.database.write {
                try await $0.raw("UPDATE audit_log SET actor_id = 'key_innocent' WHERE sequence = 3").run()
            }
            let edited = try await store.verifyAuditChain()
            #expect(
                edited.firstBreak == AuditVerification.Break(sequence: 3, reason: "its content does not match its hash")
            )
            #expect(edited.checked == 2)

            // Rewriting its hash too only moves the break to the next entry.
            try await store.database.write { database in
                let row = try await database.raw("SELECT * FROM audit_log WHERE sequence = 3").first()!
                let previous = try row.decode(column: "previous_hash", as: String.self)
                var entry = try await store.auditEntries(AuditQuery(objectID: "mem_3")).items[0].entry
                entry.event.actorID = "key_innocent"
                let forged = AuditRecord.chainHash(previous: previous, entry: entry)
                try await database.raw("UPDATE audit_log SET hash = \(bind: forged) WHERE sequence = 3").run()
            }
            #expect(
                try await store.verifyAuditChain().firstBreak
                    == AuditVerification.Break(sequence: 4, reason: "it does not chain to the entry before it"))

            try await store.database.write {
                try await $0.raw("DELETE FROM audit_objects WHERE sequence = 2").run()
                try await $0.raw("DELETE FROM audit_log WHERE sequence = 2").run()
            }
            #expect(
                try await store.verifyAuditChain().firstBreak
                    == AuditVerification.Break(sequence: 2, reason: "entry 2 is missing"))
        }
    }
}
