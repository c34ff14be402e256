import PatronCore
import SQLKit

/// What a refund did, stored for idempotent retries. The points the refunded units earned add up to
/// `pointsReversed + pointsForgiven + pointsLapsed`.
public struct RefundResult: Sendable, Hashable, Codable {
    public var refundID: String
    public var orderID: String
    public var memberID: String
    /// The qualifying spend taken away.
    public var amountMinor: Int64
    /// The points the journal took back: from lots, plus what the member now owes.
    public var pointsReversed: Int64
    /// Points already spent that the refund policy let the member keep.
    public var pointsForgiven: Int64
    /// Of `pointsReversed`, points the member now owes (policy `allow_negative`).
    public var pointsOwed: Int64
    /// Points the refunded units earned that had already expired or been cancelled: nothing to take back.
    public var pointsLapsed: Int64
    public var balance: PointBalance

    enum CodingKeys: String, CodingKey {
        case refundID = "refund_id"
        case orderID = "order_id"
        case memberID = "member_id"
        case amountMinor = "amount_minor"
        case pointsReversed = "points_reversed"
        case pointsForgiven = "points_forgiven"
        case pointsOwed = "points_owed"
        case pointsLapsed = "points_lapsed"
        case balance
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        refundID = try container.decode(String.self, forKey: .refundID)
        orderID = try container.decode(String.self, forKey: .orderID)
        memberID = try container.decode(String.self, forKey: .memberID)
        amountMinor = try container.decode(Int64.self, forKey: .amountMinor)
        pointsReversed = try container.decode(Int64.self, forKey: .pointsReversed)
        pointsForgiven = try container.decode(Int64.self, forKey: .pointsForgiven)
        pointsOwed = try container.decode(Int64.self, forKey: .pointsOwed)
        // Answers stored before lapsed points were told apart had none.
        pointsLapsed = try container.decodeIfPresent(Int64.self, forKey: .pointsLapsed) ?? 0
        balance = try container.decode(PointBalance.self, forKey: .balance)
    }

    init(refundID: String, orderID: String, memberID: String, plan: RefundPlan, balance: PointBalance) {
        self.refundID = refundID
        self.orderID = orderID
        self.memberID = memberID
        amountMinor = plan.amountMinor
        pointsReversed = plan.reversed
        pointsForgiven = plan.forgiven
        pointsOwed = plan.owed
        pointsLapsed = plan.lapsed
        self.balance = balance
    }
}

extension Store {
    /// Records a refund of some of an order's units as ``Refund/plan(refunding:facts:)`` decides: takes back the
    /// points those units earned, lowers qualifying spend, and applies the program's refund policy to points
    /// already spent. Idempotent on `refundID`.
    public func refundOrder(
        orderID: String, refundID: String, lines: [RefundLine], actor: String?, at now: Timestamp
    ) async throws -> (result: RefundResult, isReplay: Bool) {
        let fingerprint = orderID + "|" + lines.map { "\($0.sku)×\($0.quantity)" }.joined(separator: ",")
        let ledger = self.ledger
        let programs = self.programs
        let store = self
        let now = now.millisecondsSinceEpoch
        return try await IdempotentRequests.perform(
            key: "refund:\(refundID)", fingerprint: fingerprint, database: database
        ) { database in
            let (_, program) = try await programs.current(in: database)
            guard
                let order = try await database.raw(
                    "SELECT member_id, occurred_at FROM orders WHERE order_id = \(bind: orderID)"
                ).first()
            else { throw LedgerError.orderNotFound(orderID: orderID) }
            let memberID = try order.decode(column: "member_id", as: String.self)
            let occurredAt = try order.decode(column: "occurred_at", as: Int64.self)
            let balance = try await ledger.lockBalance(
                memberID: memberID, allowingErased: true, at: now, in: database)
            let facts = try await Self.refundFacts(
                orderID: orderID, memberID: memberID, policy: program.refundPolicy, ledger: ledger, in: database)
            // Every order has a line; none left means retention summed them.
            guard !facts.lines.isEmpty else { throw LedgerError.orderLinesSummarised(orderID: orderID) }
            let plan = try Refund.plan(refunding: lines, facts: facts)

            for line in plan.lines {
                try await database.raw(
                    """
                    UPDATE order_line_points SET refunded_quantity = refunded_quantity + \(bind: line.quantity)
                    WHERE order_id = \(bind: orderID) AND line_number = \(bind: line.lineNumber)
                    """
                ).run()
            }
            try await ledger.take(plan.fromOrderLots, emptiedStatus: .reversed, in: database)
            try await ledger.take(plan.fromOtherLots, emptiedStatus: .spent, in: database)
            if plan.reversed > 0 {
                var reason = "refund \(refundID) of order \(orderID)"
                if plan.forgiven > 0 { reason += "; \(plan.forgiven) already spent, forgiven" }
                if plan.owed > 0 { reason += "; \(plan.owed) already spent, owed" }
                try await ledger.appendEntry(
                    memberID: memberID, kind: .reverse, points: -plan.reversed, reason: reason, actor: actor,
                    reference: refundID,
                    allocations: (plan.fromOrderLots + plan.fromOtherLots).map {
                        LotDraw(lotID: $0.lotID, points: -$0.points)
                    },
                    at: now, in: database)
            }
            try await TierRepository().addActivity(
                memberID: memberID, occurredAt: occurredAt, spendMinor: -plan.amountMinor, points: -plan.pointsEarned,
                source: "refund", sourceID: refundID, in: database)
            try await database.raw(
                """
                INSERT INTO refunds (refund_id, order_id, member_id, request_fingerprint, amount_minor, points_taken,
                                     points_forgiven, created_at)
                VALUES (\(bind: refundID), \(bind: orderID), \(bind: memberID), \(bind: fingerprint),
                        \(bind: plan.amountMinor), \(bind: plan.reversed), \(bind: plan.forgiven), \(bind: now))
                """
            ).run()
            for line in plan.lines {
                try await database.raw(
                    """
                    INSERT INTO refund_lines (refund_id, line_number, quantity)
                    VALUES (\(bind: refundID), \(bind: line.lineNumber), \(bind: line.quantity))
                    """
                ).run()
            }
            try await store.noteReferralRefund(
                orderID: orderID, memberID: memberID, refundedAt: Timestamp(millisecondsSinceEpoch: now), in: database)
            try await ActivityRollups.invalidate(from: occurredAt, program: program, now: now, in: database)
            let after = plan.applied(to: balance)
            try await ledger.saveBalance(after, memberID: memberID, at: now, in: database)
            return RefundResult(refundID: refundID, orderID: orderID, memberID: memberID, plan: plan, balance: after)
        }
    }

    /// Everything ``Refund/plan(refunding:facts:)`` reads, with the member's balance already locked.
    static func refundFacts(
        orderID: String, memberID: String, policy: RefundPolicy, ledger: PointLedger, in database: any SQLDatabase
    ) async throws -> RefundFacts {
        let lines = try await database.raw(
            """
            SELECT p.line_number, l.sku, p.quantity, p.net_minor, p.points, p.refunded_quantity
            FROM order_line_points p
            JOIN order_lines l ON l.order_id = p.order_id AND l.line_number = p.line_number
            WHERE p.order_id = \(bind: orderID) ORDER BY p.line_number
            """
        ).all().map { row in
            RefundableLine(
                lineNumber: try row.decode(column: "line_number", as: Int64.self),
                sku: try row.decode(column: "sku", as: String.self),
                quantity: try row.decode(column: "quantity", as: Int64.self),
                netMinor: try row.decode(column: "net_minor", as: Int64.self),
                points: try row.decode(column: "points", as: Int64.self),
                refundedQuantity: try row.decode(column: "refunded_quantity", as: Int64.self))
        }
        let orderLots = try await database.raw(
            """
            SELECT lot_id, remaining, status FROM point_lots
            WHERE source = 'order' AND source_id = \(bind: orderID) AND remaining > 0
              AND status IN ('pending', 'active')
            ORDER BY lot_id
            """
        ).all().map { row in
            OrderLot(
                lotID: try row.decode(column: "lot_id", as: String.self),
                remaining: try row.decode(column: "remaining", as: Int64.self),
                status: try PointLedger.status(row))
        }
        // Expiry and cancellation entries name the lot they emptied.
        let lapsed =
            try await database.raw(
                """
                SELECT CAST(COALESCE(-SUM(e.points), 0) AS BIGINT) AS points FROM point_entries e
                JOIN point_lots l ON l.lot_id = e.reference
                WHERE e.member_id = \(bind: memberID) AND e.kind IN ('expire', 'cancel')
                  AND l.source = 'order' AND l.source_id = \(bind: orderID)
                """
            ).first()?.decode(column: "points", as: Int64.self) ?? 0
        let settled =
            try await database.raw(
                """
                SELECT CAST(COALESCE(SUM(points_taken + points_forgiven), 0) AS BIGINT) AS points FROM refunds
                WHERE order_id = \(bind: orderID)
                """
            ).first()?.decode(column: "points", as: Int64.self) ?? 0
        let ownLots = Set(orderLots.map(\.lotID))
        let otherLots = try await ledger.activeLots(memberID: memberID, in: database).filter {
            !ownLots.contains($0.lotID)
        }
        return RefundFacts(
            lines: lines, orderLots: orderLots, lapsedPoints: lapsed, settledBefore: settled, otherLots: otherLots,
            policy: policy)
    }
}
