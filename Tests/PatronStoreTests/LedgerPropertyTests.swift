import PatronCore
import PatronStore
import PatronTestSupport
import SQLKit
import Testing

/// Random sequences of orders, refunds, spends, adjustments, expiries, releases and replays against the real
/// store; after every step the ledger's invariants must hold.
@Suite struct LedgerPropertyTests {
    static let members = ["p-1", "p-2", "p-3"]
    static let day: Int64 = 86_400_000

    @Test(arguments: TestDatabase.engines, [RefundPolicy.takeAvailable, .allowNegative, .refuse])
    func theJournalAlwaysAddsUpToTheBalance(engine: DatabaseEngine, policy: RefundPolicy) async throws {
        try await TestDatabase.withStore(engine) { store in
            var program = LoyaltyProgram.standard
            program.refundPolicy = policy
            program.expiry = .daysAfterEarning(30)
            program.rules.append(
                EarningRule(
                    ruleID: "beans", kind: .multiplier, priority: 30, factor: Multiplier(thousandths: 1500),
                    match: .init(categories: ["beans"]), pendingDays: 75))
            program.rules.append(
                EarningRule(ruleID: "first", kind: .firstOrderBonus, priority: 40, points: 50))
            try await store.saveProgram(program, actor: "test")

            // Beans earn points that stay pending past the whole sequence unless released, so some can be
            // cancelled. Each policy runs its own sequence.
            let policyIndex = RefundPolicy.allCases.firstIndex(of: policy)!
            var random = SeededRandom(seed: UInt64(policyIndex + 1) * 7919 + 1)
            var orders: [(id: String, lines: [OrderLine])] = []
            var spends: [(member: String, key: String, points: Int64)] = []
            let now = WallClock.system.milliseconds
            var clock = now - 60 * Self.day

            for step in 0..<150 {
                let externalID = Self.members[random.next(below: Self.members.count)]
                switch random.next(below: 11) {
                case 0...3:
                    clock += Int64(random.next(below: 3)) * Self.day
                    let lines = (0...random.next(below: 2)).map { index in
                        OrderLine(
                            sku: "SKU-\(index)", category: index == 0 ? "beans" : "coffee",
                            quantity: Int64(1 + random.next(below: 4)),
                            unitPriceMinor: Int64(100 + random.next(below: 9_900)))
                    }
                    let id = "O-\(step)"
                    let submission = try Self.order(id, externalID: externalID, at: clock, lines: lines)
                    _ = try await store.recordOrder(submission, fingerprint: id)
                    orders.append((id, lines))
                case 4, 5:
                    guard let order = orders.randomElement(using: &random) else { continue }
                    let line = order.lines[random.next(below: order.lines.count)]
                    do {
                        _ = try await store.refundOrder(
                            orderID: order.id, refundID: "RF-\(step)",
                            lines: [RefundLine(sku: line.sku, quantity: Int64(1 + random.next(below: 2)))], actor: nil,
                            at: WallClock.system.now)
                    } catch LedgerError.refundExceedsOrder, LedgerError.refundRefused {}
                case 6:
                    guard let member = try await store.member(externalID: externalID) else { continue }
                    let points = Int64(1 + random.next(below: 150))
                    do {
                        _ = try await store.spendPoints(
                            memberID: member.id, points: points, reference: nil, idempotencyKey: "S-\(step)", actor: nil
                        )
                        spends.append((member.id, "S-\(step)", points))
                    } catch LedgerError.insufficientPoints {}
                case 7:
                    guard let member = try await store.member(externalID: externalID) else { continue }
                    let points = Int64(random.next(below: 200)) - 100
                    guard points != 0 else { continue }
                    do {
                        _ = try await store.adjustPoints(
                            memberID: member.id, points: points, reason: "test", idempotencyKey: "A-\(step)", actor: "t"
                        )
                    } catch LedgerError.insufficientPoints {}
                case 8:
                    let asOf = Timestamp(millisecondsSinceEpoch: clock + Int64(random.next(below: 40)) * Self.day)
                    _ = try await store.releasePendingPoints(asOf: asOf)
                    _ = try await store.expirePoints(asOf: asOf)
                    let before = try await Self.snapshot(store)
                    let again = try await store.expirePoints(asOf: asOf)
                    #expect(again.lots == 0, "a second expiry run at the same instant finds nothing")
                    #expect(try await Self.snapshot(store) == before)
                case 9:
                    guard let member = try await store.member(externalID: externalID),
                        let lotID = try await Self.pendingLot(of: member.id, in: store)
                    else { continue }
                    _ = try await store.cancelPendingLot(
                        memberID: member.id, lotID: lotID, reason: "test", actor: "t",
                        at: WallClock.system.now)
                default:
                    // Replays change nothing.
                    let before = try await Self.snapshot(store)
                    if let spend = spends.randomElement(using: &random) {
                        let replay = try await store.spendPoints(
                            memberID: spend.member, points: spend.points, reference: nil, idempotencyKey: spend.key,
                            actor: nil)
                        #expect(replay.isReplay)
                    }
                    if let order = orders.randomElement(using: &random),
                        let stored = try await store.order(id: order.id)
                    {
                        let submission = try Self.order(
                            order.id, externalID: externalID, at: stored.occurredAt.millisecondsSinceEpoch,
                            lines: order.lines)
                        #expect(try await store.recordOrder(submission, fingerprint: order.id).isReplay)
                    }
                    #expect(try await Self.snapshot(store) == before)
                }
                try await Self.checkInvariants(store, policy: policy, step: step)
            }
            // The sequence really went through every kind of movement.
            let kinds = try await store.database.read {
                try await $0.raw("SELECT DISTINCT kind FROM point_entries").all().map {
                    try $0.decode(column: "kind", as: String.self)
                }
            }
            #expect(
                Set(kinds).isSuperset(of: ["earn", "spend", "expire", "reverse", "adjust", "cancel"]), "\(kinds)")
        }
    }

    static func order(
        _ id: String, externalID: String, at instant: Int64, lines: [OrderLine]
    ) throws
        -> OrderSubmission
    {
        let body: JSONValue = [
            "order_id": .string(id), "member": ["external_id": .string(externalID)],
            "occurred_at": .string(Timestamp(millisecondsSinceEpoch: instant).rfc3339), "currency": "CNY",
            "lines": .array(
                lines.map { line in
                    [
                        "sku": .string(line.sku), "category": .string(line.category ?? ""),
                        "quantity": .number(Double(line.quantity)),
                        "unit_price_minor": .number(Double(line.unitPriceMinor)),
                    ]
                }),
            "total_minor": .number(Double(lines.reduce(0) { $0 + $1.amountMinor })),
        ]
        return try OrderSubmission.parse(body, receivedAt: Timestamp(millisecondsSinceEpoch: instant))
    }

    static func pendingLot(of memberID: String, in store: Store) async throws -> String? {
        try await store.database.read {
            try await $0.raw(
                "SELECT lot_id FROM point_lots WHERE member_id = \(bind: memberID) AND status = 'pending' ORDER BY lot_id"
            ).first()?.decode(column: "lot_id", as: String.self)
        }
    }

    /// Every balance and lot, to compare before and after a replay.
    static func snapshot(_ store: Store) async throws -> [String] {
        try await store.database.read { database in
            let balances = try await database.raw(
                "SELECT member_id, available, pending, lifetime_earned, debt FROM point_balances ORDER BY member_id"
            ).all().map { row in
                "\(try row.decode(column: "member_id", as: String.self)) \(try row.decode(column: "available", as: Int64.self)) \(try row.decode(column: "pending", as: Int64.self)) \(try row.decode(column: "lifetime_earned", as: Int64.self)) \(try row.decode(column: "debt", as: Int64.self))"
            }
            let lots = try await database.raw("SELECT lot_id, remaining, status FROM point_lots ORDER BY lot_id").all()
                .map { row in
                    "\(try row.decode(column: "lot_id", as: String.self)) \(try row.decode(column: "remaining", as: Int64.self)) \(try row.decode(column: "status", as: String.self))"
                }
            let entries = try await database.raw("SELECT COUNT(*) AS count FROM point_entries").first()!
                .decode(column: "count", as: Int.self)
            return balances + lots + ["entries \(entries)"]
        }
    }

    static func checkInvariants(_ store: Store, policy: RefundPolicy, step: Int) async throws {
        try await store.database.read { database in
            let rows = try await database.raw(
                """
                SELECT b.member_id, b.available, b.pending, b.debt,
                    (SELECT CAST(COALESCE(SUM(points), 0) AS BIGINT) FROM point_entries e
                     WHERE e.member_id = b.member_id) AS journal,
                    (SELECT CAST(COALESCE(SUM(remaining), 0) AS BIGINT) FROM point_lots l
                     WHERE l.member_id = b.member_id AND l.status = 'active') AS active,
                    (SELECT CAST(COALESCE(SUM(remaining), 0) AS BIGINT) FROM point_lots l
                     WHERE l.member_id = b.member_id AND l.status = 'pending') AS pending_lots
                FROM point_balances b
                """
            ).all()
            for row in rows {
                let available = try row.decode(column: "available", as: Int64.self)
                let pending = try row.decode(column: "pending", as: Int64.self)
                let debt = try row.decode(column: "debt", as: Int64.self)
                let journal = try row.decode(column: "journal", as: Int64.self)
                #expect(journal == available + pending, "step \(step): the journal sums to the balance")
                #expect(try row.decode(column: "active", as: Int64.self) - debt == available, "step \(step)")
                #expect(try row.decode(column: "pending_lots", as: Int64.self) == pending, "step \(step)")
                #expect(pending >= 0)
                if policy == .allowNegative {
                    #expect(available >= -debt)
                } else {
                    #expect(available >= 0, "step \(step): no negative balance under \(policy)")
                    #expect(debt == 0)
                }
            }
            let badLots = try await database.raw(
                "SELECT COUNT(*) AS count FROM point_lots WHERE remaining < 0 OR remaining > points"
            ).first()!.decode(column: "count", as: Int.self)
            #expect(badLots == 0, "0 ≤ remaining ≤ points for every lot")
            let unbalancedLots = try await database.raw(
                """
                SELECT COUNT(*) AS count FROM point_lots l
                WHERE l.remaining <> (SELECT CAST(COALESCE(SUM(a.points), 0) AS BIGINT) FROM point_allocations a
                                      WHERE a.lot_id = l.lot_id)
                """
            ).first()!.decode(column: "count", as: Int.self)
            #expect(unbalancedLots == 0, "every lot's allocations add up to what remains of it")
            // Refunds never settle more than an order's lots gave, less what of them expired or was cancelled.
            let overRefunded = try await database.raw(
                """
                SELECT o.order_id,
                    (SELECT CAST(COALESCE(SUM(r.points_taken + r.points_forgiven), 0) AS BIGINT) FROM refunds r
                     WHERE r.order_id = o.order_id) AS settled,
                    (SELECT CAST(COALESCE(SUM(l.points), 0) AS BIGINT) FROM point_lots l
                     WHERE l.source = 'order' AND l.source_id = o.order_id) AS earned,
                    (SELECT CAST(COALESCE(-SUM(e.points), 0) AS BIGINT) FROM point_entries e
                     JOIN point_lots l ON l.lot_id = e.reference
                     WHERE e.kind IN ('expire', 'cancel') AND l.source = 'order' AND l.source_id = o.order_id) AS lapsed
                FROM orders o
                """
            ).all().filter { row in
                try row.decode(column: "settled", as: Int64.self)
                    > row.decode(column: "earned", as: Int64.self) - row.decode(column: "lapsed", as: Int64.self)
            }
            #expect(overRefunded.isEmpty, "step \(step): no refund takes back lapsed points or more than was earned")
        }
    }
}

/// SplitMix64: reproducible random sequences.
struct SeededRandom: RandomNumberGenerator {
    var state: UInt64

    init(seed: UInt64) {
        state = seed
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    mutating func next(below bound: Int) -> Int { Int(next() % UInt64(bound)) }
}
