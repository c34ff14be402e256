import PatronCore
import PatronStore
import PatronTestSupport
import SQLKit
import Testing

@Suite struct StoreTests {
    static let order: JSONValue = [
        "order_id": "A-1001",
        "member": ["external_id": "u-42", "email": "li.lei@example.com", "phone": "13800138000", "name": "李雷"],
        "occurred_at": "2026-11-01T10:15:00Z", "currency": "CNY", "channel": "store", "store_id": "SH-01",
        "lines": [["sku": "LATTE-L", "name": "拿铁 大杯", "category": "coffee", "quantity": 2, "unit_price_minor": 3200]],
        "discount_minor": 0, "total_minor": 6400,
    ]

    /// When the orders above arrive.
    static let receivedAt = WallClock.system.now

    static func count(_ table: String, in store: Store) async throws -> Int {
        try await store.database.read {
            try await $0.raw("SELECT COUNT(*) AS count FROM \(unsafeRaw: table)").first()!.decode(
                column: "count", as: Int.self)
        }
    }

    @Test(arguments: TestDatabase.engines)
    func migrationsAreRecordedAndRunOnce(engine: DatabaseEngine) async throws {
        try await TestDatabase.withStore(engine) { store in
            let versions = try await store.database.read {
                try await $0.raw("SELECT version FROM schema_migrations ORDER BY version").all().map {
                    try $0.decode(column: "version", as: Int.self)
                }
            }
            #expect(versions == Migrations.all.map(\.version))
            #expect(try await Migrations.migrate(store.database) == [])
        }
    }

    @Test(arguments: TestDatabase.engines)
    func writesRecordTheTimeOfTheClockTheStoreIsGiven(engine: DatabaseEngine) async throws {
        let instant = Timestamp(rfc3339: "2031-03-01T00:00:00Z")!
        try await TestDatabase.withStore(engine, clock: WallClock { instant.millisecondsSinceEpoch }) { store in
            let (member, _) = try await store.upsertMember(MemberProfile(externalID: "u-clock"))
            #expect(member.createdAt == instant)
            _ = try await store.adjustPoints(
                memberID: member.id, points: 10, reason: "welcome", idempotencyKey: "k-1", actor: nil)
            let entries = try await store.pointEntries(memberID: member.id, after: nil, limit: 10).items
            #expect(entries.map(\.createdAt) == [instant])
            let summary = try #require(try await store.pointsSummary(memberID: member.id, at: instant))
            // The standard program keeps points 365 days from the day they were earned: the clock's day.
            #expect(summary.lots.map(\.expiresAt) == [Timestamp(rfc3339: "2032-02-29T16:00:00Z")])
        }
    }

    @Test(arguments: TestDatabase.engines)
    func personalDataIsEncryptedAtRest(engine: DatabaseEngine) async throws {
        try await TestDatabase.withStore(engine) { store in
            _ = try await store.recordOrder(
                try OrderSubmission.parse(Self.order, receivedAt: Self.receivedAt), fingerprint: "f")
            _ = try await store.upsertMember(
                MemberProfile(externalID: "u-7", name: "Han Meimei", birthday: CalendarDate(iso: "1991-07-15")))
            let dump = try await store.database.read { database in
                var text = ""
                for table in ["members", "member_identities", "orders", "events"] {
                    for row in try await database.raw("SELECT * FROM \(unsafeRaw: table)").all() {
                        for column in row.allColumns {
                            if let value = try? row.decode(column: column, as: String.self) {
                                text += value + "|"
                            }
                        }
                    }
                }
                return text
            }
            #expect(dump.contains("u-42"), "the dump reads the tables")
            for secret in ["li.lei", "example.com", "13800138000", "李雷", "Han Meimei", "1991-07-15"] {
                #expect(!dump.contains(secret), "\(secret) is stored in the clear")
            }
            let found = try await store.member(.email, value: "li.lei@example.com")
            #expect(found?.name == "李雷")
            #expect(found?.phone == "+8613800138000")
            #expect(try await store.member(externalID: "u-7")?.birthday == CalendarDate(year: 1991, month: 7, day: 15))
        }
    }

    @Test(arguments: TestDatabase.engines)
    func aFailingWriteLeavesNothingAndDisturbsNoOther(engine: DatabaseEngine) async throws {
        try await TestDatabase.withStore(engine) { store in
            struct Refused: Error {}
            let outcomes = try await withThrowingTaskGroup(of: Bool.self) { group in
                for index in 0..<60 {
                    group.addTask {
                        do {
                            try await store.database.write { database in
                                try await database.raw(
                                    """
                                    INSERT INTO api_keys (id, name, secret_hash, scopes, created_at)
                                    VALUES (\(bind: "k\(index)"), 'n', \(bind: "h\(index)"), 'admin', 0)
                                    """
                                ).run()
                                if index % 3 == 0 { throw Refused() }
                            }
                            return true
                        } catch is Refused {
                            return false
                        }
                    }
                }
                return try await group.reduce(into: [Bool]()) { $0.append($1) }
            }
            #expect(outcomes.count { $0 } == 40)
            #expect(try await Self.count("api_keys", in: store) == 40)
        }
    }

    @Test(arguments: TestDatabase.engines)
    func aReplayChangesNothingAndAReusedIDIsRefused(engine: DatabaseEngine) async throws {
        try await TestDatabase.withStore(engine) { store in
            let submission = try OrderSubmission.parse(Self.order, receivedAt: Self.receivedAt)
            let first = try await store.recordOrder(submission, fingerprint: "same")
            #expect(!first.isReplay)
            var renamed = submission
            renamed.customer = .profile(MemberProfile(externalID: "u-42", name: "Someone Else"))
            let replay = try await store.recordOrder(renamed, fingerprint: "same")
            #expect(replay.isReplay)
            #expect(replay.order == first.order)
            await #expect(throws: OrderError.idReusedWithDifferentContent(orderID: "A-1001")) {
                try await store.recordOrder(submission, fingerprint: "different")
            }
            #expect(try await store.member(externalID: "u-42")?.name == "李雷")
            #expect(try await Self.count("orders", in: store) == 1)
            #expect(try await Self.count("order_lines", in: store) == 1)
            #expect(try await Self.count("members", in: store) == 1)
        }
    }

    @Test(arguments: TestDatabase.engines)
    func ordersFindTheirCustomerByAnyIdentity(engine: DatabaseEngine) async throws {
        try await TestDatabase.withStore(engine) { store in
            let (member, created) = try await store.upsertMember(
                MemberProfile(externalID: "u-1", email: EmailAddress("mei@example.com")))
            #expect(created)
            func order(_ id: String, _ customer: JSONValue) throws -> OrderSubmission {
                guard case .object(var fields) = Self.order else { fatalError() }
                fields["order_id"] = .string(id)
                fields["member"] = customer
                return try OrderSubmission.parse(.object(fields), receivedAt: Self.receivedAt)
            }
            let byEmail = try await store.recordOrder(try order("B-1", ["email": "MEI@example.com"]), fingerprint: "1")
            #expect(byEmail.order.memberID == member.id)
            let byPhone = try await store.recordOrder(
                try order("B-2", ["phone": "+86 139 0000 0000"]), fingerprint: "2")
            #expect(byPhone.order.memberID != member.id)
            let again = try await store.recordOrder(try order("B-3", ["phone": "13900000000"]), fingerprint: "3")
            #expect(again.order.memberID == byPhone.order.memberID)
            // The order fills blanks but never overwrites: u-1 keeps its email.
            let conflicting = try await store.recordOrder(
                try order("B-4", ["external_id": "u-1", "email": "other@example.com", "name": "Mei"]), fingerprint: "4")
            let updated = try await store.member(id: member.id)
            #expect(conflicting.order.memberID == member.id)
            #expect(updated?.email == "mei@example.com")
            #expect(updated?.name == "Mei")
        }
    }
}
