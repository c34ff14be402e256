import PatronCore
import SQLKit

/// Units of one SKU returned.
public struct RefundLine: Sendable, Hashable {
    public var sku: String
    public var quantity: Int64

    public init(sku: String, quantity: Int64) {
        self.sku = sku
        self.quantity = quantity
    }
}

/// What a refund did, stored for idempotent retries.
public struct RefundResult: Sendable, Hashable, Codable {
    public var refundID: String
    public var orderID: String
    public var memberID: String
    /// The qualifying spend taken away.
    public var amountMinor: Int64
    /// The points the refunded lines had earned.
    public var pointsReversed: Int64
    /// Of those, points already spent that the refund policy forgave.
    public var pointsForgiven: Int64
    /// Of those, points the member now owes (policy `allow_negative`).
    public var pointsOwed: Int64
    public var balance: PointBalance

    enum CodingKeys: String, CodingKey {
        case refundID = "refund_id"
        case orderID = "order_id"
        case memberID = "member_id"
        case amountMinor = "amount_minor"
        case pointsReversed = "points_reversed"
        case pointsForgiven = "points_forgiven"
        case pointsOwed = "points_owed"
        case balance
    }
}

extension Store {
    /// Records a refund of some of an order's units: takes back exactly the points those lines earned
    /// (order-level bonuses in proportion), lowers qualifying spend, and applies the program's refund policy
    /// when the points were already spent. Idempotent on `refundID`.
    public func refundOrder(
        orderID: String, refundID: String, lines: [RefundLine], actor: String?
    ) async throws -> (result: RefundResult, isReplay: Bool) {
        let fingerprint = orderID + "|" + lines.map { "\($0.sku)×\($0.quantity)" }.joined(separator: ",")
        let ledger = self.ledger
        let programs = self.programs
        let store = self
        return try await IdempotentRequests.perform(
            key: "refund:\(refundID)", fingerprint: fingerprint, database: database
        ) { database in
            let now = Clock.nowMilliseconds()
            let (_, program) = try await programs.current(in: database)
            guard
                let order = try await database.raw(
                    "SELECT member_id, occurred_at FROM orders WHERE order_id = \(bind: orderID)"
                ).first()
            else { throw LedgerError.orderNotFound(orderID: orderID) }
            let memberID = try order.decode(column: "member_id", as: String.self)
            let occurredAt = try order.decode(column: "occurred_at", as: Int64.self)
            var balance = try await ledger.lockBalance(memberID: memberID, at: now, in: database)

            let orderLines = try await database.raw(
                """
                SELECT p.line_number, l.sku, p.quantity, p.net_minor, p.points, p.refunded_quantity
                FROM order_line_points p
                JOIN order_lines l ON l.order_id = p.order_id AND l.line_number = p.line_number
                WHERE p.order_id = \(bind: orderID) ORDER BY p.line_number
                """
            ).all().map { row in
                (
                    number: try row.decode(column: "line_number", as: Int64.self),
                    sku: try row.decode(column: "sku", as: String.self),
                    quantity: try row.decode(column: "quantity", as: Int64.self),
                    net: try row.decode(column: "net_minor", as: Int64.self),
                    points: try row.decode(column: "points", as: Int64.self),
                    refunded: try row.decode(column: "refunded_quantity", as: Int64.self)
                )
            }
            var refunding = Array(repeating: Int64(0), count: orderLines.count)
            for line in lines {
                var left = line.quantity
                for index in orderLines.indices where orderLines[index].sku == line.sku && left > 0 {
                    let room = orderLines[index].quantity - orderLines[index].refunded - refunding[index]
                    let taken = min(room, left)
                    refunding[index] += taken
                    left -= taken
                }
                if left > 0 {
                    throw LedgerError.refundExceedsOrder(
                        sku: line.sku, requested: line.quantity, refundable: line.quantity - left)
                }
            }
            var pointsToReverse: Int64 = 0
            var amount: Int64 = 0
            for (index, line) in orderLines.enumerated() where refunding[index] > 0 {
                pointsToReverse += PointLots.refundShare(
                    of: line.points, quantity: line.quantity, refundedBefore: line.refunded,
                    refundingNow: refunding[index])
                amount += PointLots.refundShare(
                    of: line.net, quantity: line.quantity, refundedBefore: line.refunded,
                    refundingNow: refunding[index])
                try await database.raw(
                    """
                    UPDATE order_line_points SET refunded_quantity = refunded_quantity + \(bind: refunding[index])
                    WHERE order_id = \(bind: orderID) AND line_number = \(bind: line.number)
                    """
                ).run()
            }

            // First from the lots the order earned, pending or spendable.
            let orderLots = try await database.raw(
                """
                SELECT lot_id, remaining, status, expires_at, earned_at FROM point_lots
                WHERE source = 'order' AND source_id = \(bind: orderID) AND remaining > 0
                  AND status IN ('pending', 'active')
                ORDER BY lot_id
                """
            ).all()
            var allocations: [LotDraw] = []
            var left = pointsToReverse
            for row in orderLots where left > 0 {
                let lot = try PointLedger.lot(row)
                let taken = min(left, lot.remaining)
                try await ledger.take(
                    [LotDraw(lotID: lot.lotID, points: taken)], emptiedStatus: "reversed", in: database)
                allocations.append(LotDraw(lotID: lot.lotID, points: -taken))
                if try row.decode(column: "status", as: String.self) == "pending" {
                    balance.pending -= taken
                } else {
                    balance.available -= taken
                }
                left -= taken
            }
            // Then, when those points were spent, by the refund policy.
            var forgiven: Int64 = 0
            var owed: Int64 = 0
            if left > 0 {
                let others = PointLots.draw(
                    upTo: left, from: try await ledger.activeLots(memberID: memberID, in: database))
                let available = others.reduce(0) { $0 + $1.points }
                if program.refundPolicy == .refuse, available < left {
                    throw LedgerError.refundRefused(shortfall: left - available)
                }
                try await ledger.take(others, emptiedStatus: "spent", in: database)
                allocations += others.map { LotDraw(lotID: $0.lotID, points: -$0.points) }
                balance.available -= available
                left -= available
                if program.refundPolicy == .allowNegative {
                    owed = left
                    balance.debt += owed
                    balance.available -= owed
                } else {
                    forgiven = left
                }
            }
            let reversed = pointsToReverse - forgiven
            if pointsToReverse > 0 {
                try await ledger.appendEntry(
                    memberID: memberID, kind: .reverse, points: -reversed,
                    reason: forgiven > 0
                        ? "refund \(refundID) of order \(orderID); \(forgiven) already spent, forgiven"
                        : "refund \(refundID) of order \(orderID)",
                    actor: actor, reference: refundID, allocations: allocations, at: now, in: database)
                balance.lifetimeEarned -= pointsToReverse
            }
            try await TierRepository().addActivity(
                memberID: memberID, occurredAt: occurredAt, spendMinor: -amount, points: -pointsToReverse,
                source: "refund", sourceID: refundID, in: database)
            try await database.raw(
                """
                INSERT INTO refunds (refund_id, order_id, member_id, request_fingerprint, amount_minor, points_taken,
                                     points_forgiven, created_at)
                VALUES (\(bind: refundID), \(bind: orderID), \(bind: memberID), \(bind: fingerprint), \(bind: amount),
                        \(bind: reversed), \(bind: forgiven), \(bind: now))
                """
            ).run()
            for (index, line) in orderLines.enumerated() where refunding[index] > 0 {
                try await database.raw(
                    """
                    INSERT INTO refund_lines (refund_id, line_number, quantity)
                    VALUES (\(bind: refundID), \(bind: line.number), \(bind: refunding[index]))
                    """
                ).run()
            }
            try await store.noteReferralRefund(
                orderID: orderID, memberID: memberID, refundedAt: Timestamp(millisecondsSinceEpoch: now), in: database)
            try await ledger.saveBalance(balance, memberID: memberID, at: now, in: database)
            return RefundResult(
                refundID: refundID, orderID: orderID, memberID: memberID, amountMinor: amount,
                pointsReversed: pointsToReverse, pointsForgiven: forgiven, pointsOwed: owed, balance: balance)
        }
    }
}
