/// How a refund is computed: which units it covers, the money and points they carried, and where those points
/// come back from.
///
/// 1. The refunded units are matched to the order's lines by SKU, first line first, never beyond what is left
///    to refund. Each line's points and net amount are shared out cumulatively (``PointLots/refundShare``), so
///    partial refunds never add up to more than the line earned.
/// 2. The points are taken back from the order's own lots first, pending or spendable.
/// 3. Points of the order that lapsed — expired, or cancelled while pending — are already gone: the refund
///    takes nothing for them.
/// 4. Only the rest was spent by the member, and the program's ``RefundPolicy`` decides: take it from the
///    member's other spendable lots, then forgive (`take_available`) or owe (`allow_negative`) what is missing,
///    or refuse the refund (`refuse`) when the other lots do not cover it.
public enum Refund {
    /// Decides a refund of `lines` from the facts of its order and member. Throws when the lines exceed what is
    /// left to refund, or when the policy refuses.
    public static func plan(refunding lines: [RefundLine], facts: RefundFacts) throws(LedgerError) -> RefundPlan {
        let quantities = try unitsRefunded(lines, from: facts.lines)
        var plan = RefundPlan()
        var claimedBefore: Int64 = 0
        for (index, line) in facts.lines.enumerated() {
            claimedBefore += PointLots.refundShare(
                of: line.points, quantity: line.quantity, refundedBefore: 0, refundingNow: line.refundedQuantity)
            guard quantities[index] > 0 else { continue }
            plan.lines.append(RefundedLine(lineNumber: line.lineNumber, quantity: quantities[index]))
            plan.pointsEarned += PointLots.refundShare(
                of: line.points, quantity: line.quantity, refundedBefore: line.refundedQuantity,
                refundingNow: quantities[index])
            plan.amountMinor += PointLots.refundShare(
                of: line.netMinor, quantity: line.quantity, refundedBefore: line.refundedQuantity,
                refundingNow: quantities[index])
        }

        var left = plan.pointsEarned
        for lot in facts.orderLots where left > 0 && lot.remaining > 0 {
            let taken = min(left, lot.remaining)
            plan.fromOrderLots.append(LotDraw(lotID: lot.lotID, points: taken))
            if lot.status == .pending { plan.pendingTaken += taken } else { plan.availableTaken += taken }
            left -= taken
        }

        // Earlier refunds settled some of their claims and let the rest lapse; what lapsed then is not lapsed again.
        let lapsedBefore = max(0, claimedBefore - facts.settledBefore)
        plan.lapsed = min(left, max(0, facts.lapsedPoints - lapsedBefore))
        left -= plan.lapsed

        if left > 0 {
            plan.fromOtherLots = PointLots.draw(upTo: left, from: facts.otherLots)
            let covered = plan.fromOtherLots.reduce(0) { $0 + $1.points }
            plan.availableTaken += covered
            let missing = left - covered
            switch facts.policy {
            case .refuse where missing > 0: throw .refundRefused(shortfall: missing)
            case .refuse: break
            case .allowNegative: plan.owed = missing
            case .takeAvailable: plan.forgiven = missing
            }
        }
        return plan
    }

    /// Units of each order line the request refunds, matched by SKU in line order.
    static func unitsRefunded(
        _ lines: [RefundLine], from orderLines: [RefundableLine]
    ) throws(LedgerError) -> [Int64] {
        var refunding = Array(repeating: Int64(0), count: orderLines.count)
        for line in lines {
            var left = line.quantity
            for index in orderLines.indices where orderLines[index].sku == line.sku && left > 0 {
                let room = orderLines[index].quantity - orderLines[index].refundedQuantity - refunding[index]
                let taken = min(room, left)
                refunding[index] += taken
                left -= taken
            }
            if left > 0 {
                throw .refundExceedsOrder(sku: line.sku, requested: line.quantity, refundable: line.quantity - left)
            }
        }
        return refunding
    }
}

/// Units of one SKU returned.
public struct RefundLine: Sendable, Hashable {
    public var sku: String
    public var quantity: Int64

    public init(sku: String, quantity: Int64) {
        self.sku = sku
        self.quantity = quantity
    }
}
