import PatronCore
import SQLKit

/// One order of a history import, validated like `POST /v1/orders`.
public struct ImportedOrder: Sendable, Hashable {
    /// The line the order starts on in its file, for the error report.
    public var line: Int
    public var submission: OrderSubmission
    /// Tells a re-import of the same order (nothing to do) from another order under a used id (refused).
    public var fingerprint: String

    public init(line: Int, submission: OrderSubmission, fingerprint: String) {
        self.line = line
        self.submission = submission
        self.fingerprint = fingerprint
    }
}

extension Store {
    /// Orders written by one multi-row statement: 12 values each, well under both engines' limits.
    static let ordersPerStatement = 1_000

    /// Records past orders as history, all of a batch in one transaction and set-wise (a few statements per
    /// thousand orders): the orders and their lines, the qualifying spend tiers count, and each touched member's
    /// tier as that spend now qualifies them. No points are awarded and no referral is settled: the orders
    /// happened before the program knew them. Members are named by `member_id` or by `external_id` (created when
    /// unknown). An order already imported with the same content is a duplicate; a row that cannot apply is
    /// reported and skipped, the others still apply.
    public func importOrders(_ orders: [ImportedOrder]) async throws -> [ImportOutcome] {
        let store = self
        return try await database.write { database in
            let now = clock.milliseconds
            let (_, program) = try await store.programs.current(in: database)
            var outcomes = [ImportOutcome?](repeating: nil, count: orders.count)
            for (index, order) in orders.enumerated() {
                if let refusal = Self.importRefusal(order.submission, program: program) {
                    outcomes[index] = .refused(refusal)
                }
            }
            let memberIDs = try await store.importedMembers(orders, outcomes: &outcomes, at: now, in: database)
            // The first row of an id in the batch is the one inserted; later rows repeat it or reuse its id.
            var candidates: [(index: Int, memberID: String)] = []
            var repeats: [(index: Int, first: Int)] = []
            var firstRow: [String: Int] = [:]
            for index in orders.indices where outcomes[index] == nil {
                guard let memberID = memberIDs[index] else { continue }
                let orderID = orders[index].submission.orderID
                if let first = firstRow[orderID] {
                    repeats.append((index, first))
                } else {
                    firstRow[orderID] = index
                    candidates.append((index, memberID))
                }
            }
            let inserted = try await store.insertOrders(
                candidates.map { (orders[$0.index], $0.memberID) }, at: now, in: database)
            let recorded = candidates.filter { inserted.contains(orders[$0.index].submission.orderID) }
            let replayed = candidates.filter { !inserted.contains(orders[$0.index].submission.orderID) }
            let storedFingerprints = try await store.fingerprints(
                of: replayed.map { orders[$0.index].submission.orderID }, in: database)
            for (index, _) in replayed {
                outcomes[index] = Self.replayOutcome(
                    orders[index], storedFingerprint: storedFingerprints[orders[index].submission.orderID])
            }
            for (index, _) in recorded { outcomes[index] = .applied }
            // A repeat is measured against what is now stored under its id: its first row, or what was there.
            for (index, first) in repeats {
                let orderID = orders[index].submission.orderID
                let stored = inserted.contains(orderID) ? orders[first].fingerprint : storedFingerprints[orderID]
                outcomes[index] = Self.replayOutcome(orders[index], storedFingerprint: stored)
            }
            let history = recorded.map { (order: orders[$0.index].submission, memberID: $0.memberID) }
            try await store.insertLines(of: history, in: database)
            try await store.raiseTiers(of: Set(history.map(\.memberID)), program: program, at: now, in: database)
            if let earliest = history.map(\.order.occurredAt.millisecondsSinceEpoch).min() {
                try await ActivityRollups.invalidate(from: earliest, program: program, now: now, in: database)
                try await Self.noteOldOrders(occurredFrom: earliest, at: now, in: database)
            }
            return outcomes.map { $0! }
        }
    }

    /// Why an order cannot be imported before the database is asked, or nil.
    private static func importRefusal(_ submission: OrderSubmission, program: LoyaltyProgram) -> String? {
        do {
            try program.refuseForeignCurrency(submission.currency.code)
        } catch {
            return error.errors.map { "\($0.pointer): \($0.detail)" }.joined(separator: "; ")
        }
        if case .profile(let profile) = submission.customer,
            profile.externalID == nil || profile != MemberProfile(externalID: profile.externalID)
        {
            return "/member: an imported order names its member by member_id or by member.external_id alone"
        }
        return nil
    }

    private static func replayOutcome(_ order: ImportedOrder, storedFingerprint: String?) -> ImportOutcome {
        storedFingerprint == order.fingerprint
            ? .duplicate
            : .refused("order \(order.submission.orderID) was already recorded with different content")
    }

    /// Each order's member id, creating the members named by unknown external ids; an order naming a member id
    /// that does not exist is refused.
    private func importedMembers(
        _ orders: [ImportedOrder], outcomes: inout [ImportOutcome?], at now: Int64, in database: any SQLDatabase
    ) async throws -> [String?] {
        var externalIDs: Set<String> = []
        var memberIDs: Set<String> = []
        for (index, order) in orders.enumerated() where outcomes[index] == nil {
            switch order.submission.customer {
            case .memberID(let id): memberIDs.insert(id)
            case .profile(let profile): profile.externalID.map { externalIDs.insert($0) }
            }
        }
        var byExternalID: [String: String] = [:]
        for chunk in externalIDs.sorted().chunks(of: Self.ordersPerStatement) {
            byExternalID.merge(
                try await members.ensureAll(externalIDs: Set(chunk), at: now, in: database)
            ) { first, _ in first }
        }
        var known: Set<String> = []
        for chunk in memberIDs.sorted().chunks(of: Self.ordersPerStatement) {
            let rows = try await database.select().column("id").from("members").where("id", .in, Array(chunk)).all()
            for row in rows { known.insert(try row.decode(column: "id", as: String.self)) }
        }
        return orders.enumerated().map { index, order in
            guard outcomes[index] == nil else { return nil }
            switch order.submission.customer {
            case .memberID(let id):
                if known.contains(id) { return id }
                outcomes[index] = .refused("/member_id: no member has the id \(id)")
                return nil
            case .profile(let profile):
                if let id = profile.externalID.flatMap({ byExternalID[$0] }) { return id }
                outcomes[index] = .refused("/member/external_id: the member could be neither found nor created")
                return nil
            }
        }
    }

    /// Inserts the orders whose ids are free, in id order so concurrent imports lock alike; returns those ids.
    private func insertOrders(
        _ orders: [(order: ImportedOrder, memberID: String)], at now: Int64, in database: any SQLDatabase
    ) async throws -> Set<String> {
        var inserted: Set<String> = []
        let sorted = orders.sorted { $0.order.submission.orderID < $1.order.submission.orderID }
        for chunk in sorted.chunks(of: Self.ordersPerStatement) {
            var insert = database.insert(into: "orders").columns(
                "order_id", "member_id", "occurred_at", "currency", "channel", "store_id", "subtotal_minor",
                "discount_minor", "shipping_minor", "total_minor", "request_fingerprint", "created_at")
            for (order, memberID) in chunk {
                let submission = order.submission
                insert = insert.values(
                    SQLBind(submission.orderID), SQLBind(memberID),
                    SQLBind(submission.occurredAt.millisecondsSinceEpoch), SQLBind(submission.currency.code),
                    SQLBind(submission.channel.rawValue), SQLBind(submission.storeID),
                    SQLBind(submission.subtotalMinor),
                    SQLBind(submission.discountMinor), SQLBind(submission.shippingMinor),
                    SQLBind(submission.totalMinor),
                    SQLBind(order.fingerprint), SQLBind(now))
            }
            let rows = try await insert.ignoringConflicts(with: "order_id").returning("order_id").all()
            for row in rows { inserted.insert(try row.decode(column: "order_id", as: String.self)) }
        }
        return inserted
    }

    private func fingerprints(of orderIDs: [String], in database: any SQLDatabase) async throws -> [String: String] {
        var fingerprints: [String: String] = [:]
        for chunk in orderIDs.chunks(of: Self.ordersPerStatement) {
            let rows = try await database.select().columns("order_id", "request_fingerprint").from("orders")
                .where("order_id", .in, Array(chunk)).all()
            for row in rows {
                fingerprints[try row.decode(column: "order_id", as: String.self)] = try row.decode(
                    column: "request_fingerprint", as: String.self)
            }
        }
        return fingerprints
    }

    /// The orders' lines, the lines' shares of the order discount (which refunds read, with no points), and the
    /// spend each order qualifies for tiers.
    private func insertLines(
        of orders: [(order: OrderSubmission, memberID: String)], in database: any SQLDatabase
    ) async throws {
        var lines: [(orderID: String, number: Int64, line: OrderLine, net: Int64)] = []
        var activity: [(memberID: String, occurredAt: Int64, spend: Int64, orderID: String)] = []
        for (order, memberID) in orders {
            let net = OrderLine.netAmounts(of: order.lines, orderDiscountMinor: order.discountMinor)
            for (index, line) in order.lines.enumerated() {
                lines.append((order.orderID, Int64(index + 1), line, net[index]))
            }
            activity.append((memberID, order.occurredAt.millisecondsSinceEpoch, net.reduce(0, +), order.orderID))
        }
        for chunk in lines.chunks(of: Self.ordersPerStatement) {
            var insertLines = database.insert(into: "order_lines").columns(
                "order_id", "line_number", "sku", "name", "category", "quantity", "unit_price_minor", "discount_minor")
            var insertPoints = database.insert(into: "order_line_points").columns(
                "order_id", "line_number", "quantity", "net_minor", "points", "refunded_quantity")
            for (orderID, number, line, net) in chunk {
                insertLines = insertLines.values(
                    SQLBind(orderID), SQLBind(number), SQLBind(line.sku), SQLBind(line.name), SQLBind(line.category),
                    SQLBind(line.quantity), SQLBind(line.unitPriceMinor), SQLBind(line.discountMinor))
                insertPoints = insertPoints.values(
                    SQLBind(orderID), SQLBind(number), SQLBind(line.quantity), SQLBind(net), SQLBind(Int64(0)),
                    SQLBind(Int64(0)))
            }
            try await insertLines.run()
            try await insertPoints.run()
        }
        for chunk in activity.chunks(of: Self.ordersPerStatement) {
            var insert = database.insert(into: "qualifying_activity").columns(
                "member_id", "occurred_at", "spend_minor", "points", "source", "source_id")
            for (memberID, occurredAt, spend, orderID) in chunk {
                insert = insert.values(
                    SQLBind(memberID), SQLBind(occurredAt), SQLBind(spend), SQLBind(Int64(0)), SQLBind("order"),
                    SQLBind(orderID))
            }
            try await insert.run()
        }
    }

    /// Starts each member on the lowest tier when they have none and raises them as far as their qualifying
    /// value in today's window reaches, as an order does (downgrades wait for the evaluation).
    private func raiseTiers(
        of memberIDs: Set<String>, program: LoyaltyProgram, at now: Int64, in database: any SQLDatabase
    ) async throws {
        let today = program.utcOffset.date(of: Timestamp(millisecondsSinceEpoch: now))
        let tiers = TierRepository()
        for chunk in memberIDs.sorted().chunks(of: Self.ordersPerStatement) {
            let chunk = Array(chunk)
            let standings = try await tiers.standings(of: chunk, locking: true, in: database)
            let values = try await tiers.qualifyingValues(of: chunk, on: today, program: program, in: database)
            var saved: [(memberID: String, standing: TierStanding)] = []
            var changes: [(memberID: String, change: TierChange)] = []
            for memberID in chunk {
                let standing = standings[memberID] ?? TierRules.initialStanding(on: today, tiers: program.tiers)
                let (next, change) = TierRules.afterActivity(
                    standing, value: values[memberID] ?? 0, on: today, tiers: program.tiers,
                    currency: program.currency)
                if standings[memberID] == nil || change != nil { saved.append((memberID, next)) }
                if let change { changes.append((memberID, change)) }
            }
            try await tiers.save(saved, at: now, in: database)
            try await tiers.record(changes, at: now, in: database)
        }
    }
}
