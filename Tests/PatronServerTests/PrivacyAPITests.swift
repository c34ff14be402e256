import Foundation
import Hummingbird
import HummingbirdTesting
import PatronCore
import PatronStore
import PatronTestSupport
import SQLKit
import Testing

/// A member's rights through the API: a copy of everything held about them, and erasure that forgets the
/// person and keeps the books.
@Suite struct PrivacyAPITests {
    static let profile: [String: JSONValue] = [
        "name": "王小明", "email": "xiaoming.wang@example.cn", "phone": "13812345678", "birthday": "1990-05-17",
        "attributes": ["favourite_store": "SH-01"],
        "consents": [
            ["purpose": "marketing", "channel": "wechat", "state": "granted", "source": "app", "evidence": "小程序 v3"]
        ],
    ]

    /// Two lines, so one can be refunded and the order still counts.
    static func order(_ orderID: String, by externalID: String, totalMinor: Int64) -> JSONValue {
        [
            "order_id": .string(orderID), "member": ["external_id": .string(externalID)],
            "occurred_at": .string(
                Timestamp(millisecondsSinceEpoch: WallClock.system.milliseconds - 3_600_000).rfc3339),
            "currency": "CNY", "channel": "store",
            "lines": [
                ["sku": "BEANS", "quantity": 1, "unit_price_minor": .number(Double(totalMinor - 1000))],
                ["sku": "CUP", "quantity": 1, "unit_price_minor": 1000],
            ],
            "total_minor": .number(Double(totalMinor)),
        ]
    }

    /// A receipt by email, handed over once: a message and its attempt.
    static func sendMessage(to memberID: String, _ app: TestApplication) async throws {
        let template: JSONValue = [
            "name": "receipt", "category": "transactional",
            "contents": [["channel": "email", "language": "zh", "subject": "收据", "text": "谢谢惠顾"]],
        ]
        #expect(try await app.request(.put, "/v1/templates/receipt", json: template).status == .created)
        let queued = try await app.request(
            .post, "/v1/messages", json: ["member_id": .string(memberID), "template_id": "receipt", "key": "receipt-1"])
        #expect(queued.status == .created, "\(queued.text)")
        let (_, program) = try await app.store.program()
        let now = app.store.clock.now
        for send in try await app.store.claimMessages(limit: 10, available: [.email], program: program, at: now) {
            let attempt = try #require(try await app.store.beginSending(send, at: now))
            try await app.store.recordMessageAttempts(
                [
                    MessageAttemptResult(
                        send: send, attempt: attempt, outcome: .sent(reference: "250 OK"), startedAt: now,
                        durationMilliseconds: 1)
                ], at: now)
        }
    }

    /// A campaign to everyone, queued: the member's arm in it.
    static func queueCampaign(_ app: TestApplication) async throws {
        let template: JSONValue = [
            "name": "news", "category": "marketing",
            "contents": [["channel": "email", "language": "zh", "subject": "新品", "text": "新品上市"]],
        ]
        #expect(try await app.request(.put, "/v1/templates/news", json: template).status == .created)
        let everyone: JSONValue = ["name": "everyone", "rule": ["all": []]]
        #expect(try await app.request(.put, "/v1/segments/everyone", json: everyone).status == .created)
        let campaign: JSONValue = [
            "name": "news", "segment_id": "everyone", "variants": [["variant_id": "a", "template_id": "news"]],
            "holdout_percent": 0,
        ]
        #expect(try await app.request(.put, "/v1/campaigns/news", json: campaign).status == .created)
        #expect(try await app.request(.post, "/v1/campaigns/news/launch").status == .accepted)
        _ = try await app.store.runCampaign(id: "news", at: app.store.clock.now)
    }

    @Test(arguments: TestDatabase.engines)
    func anExportHoldsOneOfEveryKindOfMemberData(engine: DatabaseEngine) async throws {
        try await TestApplication.run(engine) { app in
            try await app.request(.post, "/v1/rewards", json: coffeeCoupon)
            let alice = try await app.newMember("alice", extra: Self.profile)
            // A spend that reaches a higher tier; a refund of one line (a reversal, allocated to the lot).
            let placed = try await app.request(
                .post, "/v1/orders", json: Self.order("A-1", by: "alice", totalMinor: 2_000_000))
            #expect(placed.status == .created, "\(placed.text)")
            let refund = try await app.request(
                .post, "/v1/orders/A-1/refunds", json: ["refund_id": "R-A1", "lines": [["sku": "CUP", "quantity": 1]]])
            #expect(refund.status == .created, "\(refund.text)")
            let redeemed = try await app.request(
                .post, "/v1/members/\(alice)/redemptions", json: ["reward_id": "COFFEE-5"], idempotencyKey: "r-1")
            #expect(redeemed.status == .created, "\(redeemed.text)")
            let surprise = try await app.request(
                .post, "/v1/campaigns/surprise",
                json: ["campaign_id": "thanks", "count": 1, "seed": 1, "grant": ["points": 10], "filter": [:]])
            #expect(surprise.status == .created, "\(surprise.text)")
            let code = try await app.referralCode(alice, device: "device-of-alice")
            let bob = try await app.newMember("bob")
            #expect(try await app.join(code, bob).status == .created)
            let event = try await app.request(
                .post, "/v1/events",
                json: ["type": "track", "user_id": "alice", "event": "Store Visited", "properties": ["store": "SH-01"]])
            #expect(event.status == .accepted, "\(event.text)")
            let feedback = try await app.request(
                .post, "/v1/feedback",
                json: [
                    "feedback_id": "F-A1", "channel": "wechat", "member_id": .string(alice), "rating": 2,
                    "text": "咖啡很好喝，就是排队太久",
                ])
            #expect(feedback.status == .created, "\(feedback.text)")
            let ticketID = try #require(feedback.json["ticket_id"]?.string, "a low rating opens a ticket")
            let reply = try await app.request(
                .post, "/v1/tickets/\(ticketID)/messages", json: ["kind": "reply", "body": "抱歉让您久等了"],
                idempotencyKey: "reply-1")
            #expect(reply.status == .created, "\(reply.text)")
            let invited = try await app.request(
                .post, "/v1/surveys/invitations", json: ["member_id": .string(alice), "kind": "nps"],
                idempotencyKey: "nps-alice")
            #expect(invited.status == .created, "\(invited.text)")
            try await Self.sendMessage(to: alice, app)
            try await Self.queueCampaign(app)
            #expect(try await app.request(.post, "/v1/members/\(alice)/exports").status == .created)

            let answer = try await app.request(.post, "/v1/members/\(alice)/exports")
            #expect(answer.status == .created, "\(answer.text)")
            let export = answer.json
            #expect(export["format"] == "patron-member-export/1")
            #expect(export["member_id"]?.string == alice)
            guard case .object(let tables)? = export["tables"] else {
                Issue.record("no tables: \(answer.text)")
                return
            }
            for (table, _) in PersonalDataMap.memberTables {
                #expect((tables[table]?.array.count ?? 0) > 0, "the export has no \(table)")
            }
            #expect(Set(tables.keys) == Set(PersonalDataMap.memberTables.map(\.table)))
            // Sealed values are opened; digests and keys are left out.
            let member = try #require(tables["members"]?.array.first)
            #expect(member["name"] == "王小明")
            #expect(member["birthday"] == "1990-05-17")
            #expect(member["attributes"]?["favourite_store"] == "SH-01")
            #expect(member["name_ciphertext"] == nil && member["erased_external_index"] == nil)
            let identities = tables["member_identities"]?.array.compactMap { $0["value"]?.string } ?? []
            #expect(Set(identities) == ["xiaoming.wang@example.cn", "+8613812345678"])
            #expect(tables["member_identities"]?.array.first?["blind_index"] == nil)
            #expect(tables["events"]?.array.first?["properties"]?["store"] == "SH-01")
            #expect(tables["consent_records"]?.array.first?["evidence"] == "小程序 v3")
            #expect(tables["feedback"]?.array.first?["text"] == "咖啡很好喝，就是排队太久")
            let bodies = tables["ticket_messages"]?.array.map { $0["body"] } ?? []
            #expect(bodies.count == 2 && bodies.contains("抱歉让您久等了"), "the acknowledgement and the reply")
            #expect(tables["referrals"]?.array.first?["referrer_id"]?.string == alice)
            #expect(tables["orders"]?.array.first?["created_at"]?.string?.hasSuffix("Z") == true)
            #expect(!answer.text.contains("wrapped_key"))

            let zip = try await app.request(.post, "/v1/members/\(alice)/exports?format=zip")
            #expect(zip.status == .created)
            #expect(zip.headers[.contentType] == "application/zip")
            let bytes = Array(zip.body.readableBytesView)
            #expect(bytes.starts(with: [0x50, 0x4b, 0x03, 0x04]))
            let text = String(decoding: bytes, as: UTF8.self)
            #expect(
                text.contains("export.json") && text.contains("orders.csv") && text.contains("member_identities.csv"))
            #expect(text.contains("xiaoming.wang@example.cn"))

            let requests = try await app.request(.get, "/v1/privacy/requests?member_id=\(alice)")
            #expect(requests.json["data"]?.array.count == 3)
            #expect(requests.json["data"]?.array.allSatisfy { $0["kind"] == "export" } == true)
            #expect(try await app.request(.post, "/v1/members/mem_nobody/exports").status == .notFound)
            #expect(
                try await app.request(.post, "/v1/members/\(alice)/exports?format=pdf").status == .unprocessableContent)
        }
    }

    @Test(arguments: TestDatabase.engines)
    func erasureForgetsThePersonAndKeepsTheBooks(engine: DatabaseEngine) async throws {
        try await TestApplication.run(engine) { app in
            let alice = try await app.newMember("alice", extra: Self.profile)
            #expect(
                try await app.request(.post, "/v1/orders", json: Self.order("A-1", by: "alice", totalMinor: 64_000))
                    .status == .created)
            let identify = try await app.request(
                .post, "/v1/events",
                json: ["type": "identify", "user_id": "alice", "traits": ["name": "王小明", "city": "上海"]])
            #expect(identify.status == .accepted, "\(identify.text)")
            let complaint: JSONValue = [
                "feedback_id": "F-1", "channel": "phone", "member_id": .string(alice), "score": 3,
                "text": "王小明: the cup leaked", "contact": ["phone": "13812345678"],
            ]
            let filed = try await app.request(.post, "/v1/feedback", json: complaint)
            let ticketID = try #require(filed.json["ticket_id"]?.string, "\(filed.text)")
            let said = try await app.request(
                .post, "/v1/tickets/\(ticketID)/messages",
                json: ["kind": "customer", "body": "王小明 again: still leaking"],
                idempotencyKey: "said-1")
            #expect(said.status == .created, "\(said.text)")
            let bob = try await app.memberWithPoints("bob", totalMinor: 12_800)
            let kpis = "/v1/analytics/kpis?from=2026-01-01&to=2027-12-31"
            let kpisBefore = try await app.request(.get, kpis).json
            let liabilityBefore = try await app.store.pointsLiability()
            let aliceBefore = try await app.available(alice)

            let erased = try await app.request(.post, "/v1/members/\(alice)/erasure")
            #expect(erased.status == .created, "\(erased.text)")
            #expect(erased.json["kind"] == "erase" && erased.json["state"] == "completed")
            #expect(erased.json["outcome"]?["identities"]?.integer == 2)
            #expect(erased.json["outcome"]?["keys"]?.integer == 1)
            #expect(erased.json["outcome"]?["events"]?.integer == 1)
            #expect(erased.json["outcome"]?["feedback"]?.integer == 1)
            let again = try await app.request(.post, "/v1/members/\(alice)/erasure")
            #expect(again.status == .ok)
            #expect(again.json == erased.json, "a second erasure answers the first")

            // Nothing can find or show the person.
            let tombstone = try await app.request(.get, "/v1/members/\(alice)").json
            #expect(tombstone["status"] == "erased")
            for field in ["name", "email", "phone", "birthday", "external_id"] {
                #expect(tombstone[field] == .null, "\(field) survived erasure")
            }
            #expect(tombstone["attributes"] == [:])
            for lookup in ["email=xiaoming.wang@example.cn", "phone=13812345678", "external_id=alice"] {
                #expect(try await app.request(.get, "/v1/members?\(lookup)").json["data"]?.array == [], "\(lookup)")
            }
            for table in ["member_identities", "member_keys", "member_devices"] {
                let left = try await app.store.database.read {
                    try await $0.raw("SELECT COUNT(*) AS n FROM \(ident: table) WHERE member_id = \(bind: alice)")
                        .first()!
                        .decode(column: "n", as: Int.self)
                }
                #expect(left == 0, "\(table) still holds the member")
            }
            let events = try await app.store.database.read {
                try await $0.raw("SELECT traits, user_id FROM events WHERE member_id = \(bind: alice)").all()
            }
            #expect(try events.map { try $0.decode(column: "traits", as: String.self) } == ["{}"])
            #expect(try events.allSatisfy { try $0.decodeNil(column: "user_id") })
            // Feedback keeps its score and loses its words and contact.
            let kept = try await app.request(.get, "/v1/feedback/F-1").json
            #expect(kept["score"] == 3 && kept["severity"] == "high")
            #expect(kept["text"] == .null && kept["contact"] == .null && kept["text_removed_at"] != .null)
            #expect(try await app.request(.post, "/v1/feedback", json: complaint).status == .gone)
            // Their ticket stays, its words gone, and takes nothing new.
            let ticket = try await app.request(.get, "/v1/tickets/\(ticketID)").json
            #expect(ticket["messages"]?.array.map { $0["body"] } == [.null, .null], "the acknowledgement and theirs")
            let reply = try await app.request(
                .post, "/v1/tickets/\(ticketID)/messages", json: ["kind": "reply", "body": "sorry"],
                idempotencyKey: "reply-after")
            #expect(reply.status == .gone, "\(reply.text)")

            // The books are as they were, the erased member's points included.
            #expect(try await app.request(.get, kpis).json == kpisBefore)
            #expect(try await app.store.pointsLiability() == liabilityBefore)
            #expect(try await app.available(alice) == aliceBefore)
            #expect(try await app.available(bob) == 128)

            // Nothing new is recorded about them, by id or by the shop's old customer number.
            let byNumber = try await app.request(
                .post, "/v1/orders", json: Self.order("A-2", by: "alice", totalMinor: 5_000))
            #expect(byNumber.status == .gone, "\(byNumber.text)")
            #expect(byNumber.json["detail"]?.string?.contains(alice) == true)
            var byID = Self.order("A-3", by: "alice", totalMinor: 5_000)
            byID = byID.setting("member", nil).setting("member_id", .string(alice))
            #expect(try await app.request(.post, "/v1/orders", json: byID).status == .gone)
            let update = try await app.request(.patch, "/v1/members/\(alice)", json: ["name": "Someone"])
            #expect(update.status == .gone)
            #expect(try await app.request(.post, "/v1/members", json: ["external_id": "alice"]).status == .gone)
            let event = try await app.request(
                .post, "/v1/events", json: ["type": "track", "user_id": "alice", "event": "Store Visited"])
            #expect(event.status == .gone)
            let batch = try await app.request(
                .post, "/v1/events/batch",
                json: [
                    "batch": [
                        ["type": "track", "user_id": "alice", "event": "Store Visited"],
                        ["type": "track", "user_id": "bob", "event": "Store Visited"],
                    ]
                ])
            #expect(batch.json["refused"]?.integer == 1 && batch.json["accepted"]?.integer == 1, "\(batch.text)")
            #expect(batch.errorPointers.isEmpty)
            #expect(batch.json["results"]?.array.first?["errors"]?.array.first?["pointer"] == "/batch/0/user_id")
            #expect(try await app.request(.post, "/v1/members/\(alice)/tokens").status == .gone)
            #expect(try await app.rowCount("orders") == 2)

            // The export still answers, with the pseudonymous books and nothing personal.
            let export = try await app.request(.post, "/v1/members/\(alice)/exports")
            #expect(export.status == .created)
            #expect(!export.text.contains("王小明") && !export.text.contains("xiaoming"))
            #expect(export.json["tables"]?["orders"]?.array.count == 1)
            let listed = try await app.request(.get, "/v1/privacy/requests").json["data"]?.array ?? []
            #expect(listed.map { $0["kind"] } == ["export", "erase"])
            #expect(try await app.request(.post, "/v1/members/mem_nobody/erasure").status == .notFound)
        }
    }

    /// Orders carrying the member's profile race an erasure of the same member: each order lands before the
    /// erasure (and is pseudonymised with the rest) or is refused with 410; the member is never half erased.
    @Test(arguments: TestDatabase.engines)
    func anErasureRacingOrdersNeverLeavesAHalfErasedMember(engine: DatabaseEngine) async throws {
        try await TestApplication.run(engine) { app in
            let alice = try await app.newMember("alice", extra: Self.profile)
            var requests: [(path: String, body: JSONValue?)] = []
            for number in 0..<24 {
                let order = Self.order("R-\(number)", by: "alice", totalMinor: 5_000).setting(
                    "member", ["external_id": "alice", "email": "xiaoming.wang@example.cn", "name": "王小明"])
                requests.append(("/v1/orders", order))
                if number == 12 { requests.append(("/v1/members/\(alice)/erasure", nil)) }
            }
            let answers = try await Self.statuses(of: requests, app: app)
            #expect(answers.first { $0.path.hasSuffix("erasure") }?.status == 201)
            let statuses = answers.filter { $0.path == "/v1/orders" }.map(\.status)
            #expect(statuses.allSatisfy { [201, 410].contains($0) }, "\(statuses)")
            let landed = statuses.count { $0 == 201 }
            #expect(try await app.rowCount("orders") == landed)
            #expect(try await app.rowCount("member_identities") == 0)
            #expect(try await app.rowCount("member_keys") == 0)
            let tombstone = try await app.request(.get, "/v1/members/\(alice)").json
            #expect(tombstone["status"] == "erased" && tombstone["name"] == .null && tombstone["email"] == .null)
            // Each landed order's points are on the tombstone, and the journal agrees with the balance.
            #expect(try await app.available(alice) == landed * 50)
            let journal = try await app.store.database.read {
                try await $0.raw(
                    "SELECT CAST(COALESCE(SUM(points), 0) AS BIGINT) AS n FROM point_entries WHERE member_id = \(bind: alice)"
                )
                .first()!.decode(column: "n", as: Int.self)
            }
            #expect(journal == landed * 50)
        }
    }

    /// The statuses of POSTs sent all at once.
    static func statuses(
        of requests: [(path: String, body: JSONValue?)], app: TestApplication
    ) async throws -> [(path: String, status: Int)] {
        try await withThrowingTaskGroup(of: (String, Int).self) { group in
            for request in requests {
                group.addTask {
                    (request.path, Int(try await app.request(.post, request.path, json: request.body).status.code))
                }
            }
            var statuses: [(path: String, status: Int)] = []
            for try await answer in group { statuses.append(answer) }
            return statuses
        }
    }

    /// Every table of the schema is placed: about a member (exported), withheld with a reason, or about nobody.
    @Test(arguments: TestDatabase.engines)
    func everyTableIsPlacedInThePersonalDataMap(engine: DatabaseEngine) async throws {
        try await TestApplication.run(engine) { app in
            let query: String =
                engine == .sqlite
                ? "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
                : "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = current_schema()"
            let tables = try await app.store.database.read {
                try await $0.raw(SQLQueryString(stringLiteral: query)).all().map {
                    try $0.decode(column: "name", as: String.self)
                }
            }
            let member = Set(PersonalDataMap.memberTables.map(\.table))
            let withheld = Set(PersonalDataMap.withheld.keys)
            for table in tables {
                let places = [member, withheld, PersonalDataMap.notPersonal].filter { $0.contains(table) }.count
                #expect(places == 1, "\(table) is in \(places) places of the personal data map, not 1")
            }
            #expect(member.union(withheld).union(PersonalDataMap.notPersonal) == Set(tables))
        }
    }
}
