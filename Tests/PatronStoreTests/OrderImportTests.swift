import PatronCore
import PatronStore
import PatronTestSupport
import SQLKit
import Testing

/// `Store.importOrders`: history written set-wise must leave what recording the same orders one by one leaves,
/// points aside.
@Suite struct OrderImportTests {
    static let now = Timestamp(rfc3339: "2026-11-30T00:00:00Z")!

    /// 1,100 orders of 300 customers over the last 14 months (more than one statement's worth of orders and of
    /// lines), with one to three lines each and some order discounts, so spends and tiers differ by customer.
    static func history() throws -> [ImportedOrder] {
        var generator = SeededGenerator(seed: 20_261_130)
        return try (0..<1_100).map { index in
            let lines: [JSONValue] = (0...generator.nextInt(upperBound: 3)).map { line in
                [
                    "sku": .string("SKU-\(generator.nextInt(upperBound: 40))"), "category": "coffee",
                    "quantity": .number(Double(1 + generator.nextInt(upperBound: 3))),
                    "unit_price_minor": .number(Double(500 + 100 * generator.nextInt(upperBound: 300))),
                ]
            }
            let subtotal = lines.reduce(0.0) { sum, line in
                guard case .number(let quantity) = line["quantity"], case .number(let price) = line["unit_price_minor"]
                else { return sum }
                return sum + quantity * price
            }
            let discount = index % 7 == 0 ? 300.0 : 0
            let daysAgo = Int64(generator.nextInt(upperBound: 420))
            let occurredAt = Timestamp(millisecondsSinceEpoch: now.millisecondsSinceEpoch - daysAgo * 86_400_000 - 1)
            let body: JSONValue = [
                "order_id": .string("H-\(index)"),
                "member": ["external_id": .string("c-\(generator.nextInt(upperBound: 300))")],
                "occurred_at": .string(occurredAt.rfc3339), "currency": "CNY", "lines": .array(lines),
                "discount_minor": .number(discount), "total_minor": .number(subtotal - discount),
            ]
            return ImportedOrder(
                line: index + 2, submission: try OrderSubmission.parse(body, receivedAt: now),
                fingerprint: Fingerprint.of(body))
        }
    }

    /// What tiers and analytics read of a member's history.
    struct MemberHistory: Equatable {
        var tier: String
        var qualifyingValue: Int64
        var changes: [String]
        var orders: [String]
        var netByLine: [Int64]
    }

    static func histories(_ store: Store) async throws -> [String: MemberHistory] {
        var histories: [String: MemberHistory] = [:]
        for customer in 0..<300 {
            guard let member = try await store.member(externalID: "c-\(customer)") else { continue }
            let view = try #require(try await store.tierView(memberID: member.id, at: now))
            let orders = try await store.orders(memberID: member.id, after: nil, limit: 100).items
            let net = try await store.database.read { database in
                try await database.raw(
                    """
                    SELECT p.net_minor FROM order_line_points p JOIN orders o ON o.order_id = p.order_id
                    WHERE o.member_id = \(bind: member.id) ORDER BY p.order_id, p.line_number
                    """
                ).all().map { try $0.decode(column: "net_minor", as: Int64.self) }
            }
            histories["c-\(customer)"] = MemberHistory(
                tier: view.standing.tierID, qualifyingValue: view.qualifyingValue,
                changes: view.history.map { "\($0.from ?? "-")→\($0.to)" }, orders: orders.map(\.orderID),
                netByLine: net)
        }
        return histories
    }

    @Test(arguments: TestDatabase.engines)
    func anImportLeavesTheHistoryThatRecordingEachOrderLeaves(engine: DatabaseEngine) async throws {
        let orders = try Self.history()
        let clock = WallClock { Self.now.millisecondsSinceEpoch }
        // Oldest first, as the orders happened: each order then raises the tier the history had reached.
        let recorded = try await TestDatabase.withStore(engine, clock: clock) { store in
            for order in orders.sorted(by: { $0.submission.occurredAt < $1.submission.occurredAt }) {
                _ = try await store.recordOrder(order.submission, fingerprint: order.fingerprint)
            }
            return try await Self.histories(store)
        }
        let imported = try await TestDatabase.withStore(engine, clock: clock) { store in
            let outcomes = try await store.importOrders(orders)
            #expect(outcomes.allSatisfy { $0 == .applied })
            let again = try await store.importOrders(orders)
            #expect(again.allSatisfy { $0 == .duplicate })
            let points = try await store.database.read {
                try await $0.raw("SELECT COUNT(*) AS count FROM point_lots").first()!.decode(
                    column: "count", as: Int.self)
            }
            #expect(points == 0, "history earns no points")
            return try await Self.histories(store)
        }
        #expect(recorded.count > 250)
        #expect(Set(imported.values.map(\.tier)).count > 1, "the history reaches more than one tier")
        for (customer, history) in recorded {
            let importedHistory = imported[customer]
            #expect(importedHistory?.tier == history.tier, "\(customer)")
            #expect(importedHistory?.qualifyingValue == history.qualifyingValue, "\(customer)")
            #expect(importedHistory?.orders == history.orders, "\(customer)")
            #expect(importedHistory?.netByLine == history.netByLine, "\(customer)")
            // Recorded one by one, a member may climb a tier at a time; an import raises them at once.
            #expect(importedHistory?.changes.last?.hasSuffix(history.tier) ?? history.changes.isEmpty, "\(customer)")
        }
    }

    @Test(arguments: TestDatabase.engines)
    func replaysReusesAndUnknownMembersAreToldApartRowByRow(engine: DatabaseEngine) async throws {
        let clock = WallClock { Self.now.millisecondsSinceEpoch }
        try await TestDatabase.withStore(engine, clock: clock) { store in
            func order(
                _ id: String, member: JSONValue, store: String = "SH-01", currency: String = "CNY"
            ) throws
                -> ImportedOrder
            {
                var body: JSONValue = [
                    "order_id": .string(id), "occurred_at": "2026-10-01T10:00:00Z", "currency": .string(currency),
                    "store_id": .string(store), "lines": [["sku": "LATTE", "quantity": 1, "unit_price_minor": 3200]],
                    "total_minor": 3200,
                ]
                if case .object(var fields) = body, case .object(let customer) = member {
                    fields.merge(customer) { first, _ in first }
                    body = .object(fields)
                }
                return ImportedOrder(
                    line: 1, submission: try OrderSubmission.parse(body, receivedAt: Self.now),
                    fingerprint: Fingerprint.of(body))
            }
            let (known, _) = try await store.upsertMember(MemberProfile(externalID: "known"))
            // Recorded through the API path first: importing the same order is a duplicate.
            let live = try order("L-1", member: ["member": ["external_id": "known"]])
            _ = try await store.recordOrder(live.submission, fingerprint: live.fingerprint)

            let outcomes = try await store.importOrders([
                try order("B-1", member: ["member_id": .string(known.id)]),
                try order("B-1", member: ["member_id": .string(known.id)]),
                try order("B-1", member: ["member_id": .string(known.id)], store: "SH-02"),
                try order("L-1", member: ["member": ["external_id": "known"]], store: "SH-02"),
                try order("B-2", member: ["member_id": "mem_nobody"]),
                try order("B-3", member: ["member": ["external_id": "new-customer"]]),
                try order("B-4", member: ["member": ["external_id": "x", "email": "x@example.com"]]),
                try order("B-5", member: ["member": ["external_id": "known"]], currency: "USD"),
                live,
                try order("L-1", member: ["member": ["external_id": "known"]], store: "SH-02"),
            ])
            #expect(
                outcomes == [
                    .applied, .duplicate, .refused("order B-1 was already recorded with different content"),
                    .refused("order L-1 was already recorded with different content"),
                    .refused("/member_id: no member has the id mem_nobody"), .applied,
                    .refused("/member: an imported order names its member by member_id or by member.external_id alone"),
                    .refused(
                        "/currency: the program accepts amounts in CNY only; convert USD amounts to CNY before sending them"
                    ),
                    .duplicate, .refused("order L-1 was already recorded with different content"),
                ])
            let created = try #require(try await store.member(externalID: "new-customer"))
            #expect(try await store.orders(memberID: created.id, after: nil, limit: 10).items.map(\.orderID) == ["B-3"])
            #expect(try await store.member(externalID: "x") == nil, "a refused order creates no member")
        }
    }
}
