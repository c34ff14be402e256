import Hummingbird
import PatronCore
import PatronStore

/// Members' points and tiers: balance and journal, spending, adjustments, refunds, liability.
struct PointsController {
    let store: Store

    func addRoutes(to group: RouterGroup<PatronRequestContext>) {
        group.get("members/{member_id}/points", use: show)
        group.post("members/{member_id}/points/spend", use: spend)
        group.post("members/{member_id}/points/adjustments", use: adjust)
        group.post("members/{member_id}/points/lots/{lot_id}/cancel", use: cancelLot)
        group.get("members/{member_id}/tier", use: tier)
        group.post("orders/{order_id}/refunds", use: refund)
        group.get("reports/points-liability", use: liability)
    }

    @Sendable func show(_ request: Request, context: PatronRequestContext) async throws -> Response {
        let memberID = try context.parameters.require("member_id")
        try context.require(.membersRead, member: memberID)
        let pagination = try Pagination(request)
        guard let summary = try await store.pointsSummary(memberID: memberID, at: store.clock.now) else {
            throw LedgerError.memberNotFound(memberID: memberID)
        }
        let page = try await store.pointEntries(memberID: memberID, after: pagination.cursor, limit: pagination.limit)
        return try JSONBody.response(
            PointsResource(
                memberID: memberID, summary: summary, entries: page.items.map(PointEntryResource.init),
                nextCursor: Pagination.encode(page.nextCursor)))
    }

    /// `{"points": 20, "reference": "POS-778"}` with an `Idempotency-Key`: 201, or 200 with the same body on
    /// a retry; 409 when the balance is short.
    @Sendable func spend(_ request: Request, context: PatronRequestContext) async throws -> Response {
        try context.require(.pointsWrite)
        let memberID = try context.parameters.require("member_id")
        let key = try request.idempotencyKey()
        let (body, _) = try await JSONBody.read(request, context: context)
        var reader = FieldReader(body)
        let points = reader.integer("points", required: true)
        let reference = reader.string("reference", maxLength: 128)
        if let points, points <= 0 { reader.fail("points", "must be greater than zero") }
        try reader.finish()
        let (movement, isReplay) = try await store.spendPoints(
            memberID: memberID, points: points ?? 0, reference: reference, idempotencyKey: key,
            actor: context.actorID)
        return try JSONBody.response(movement, status: isReplay ? .ok : .created)
    }

    /// `{"points": -50, "reason": "goodwill"}` with an `Idempotency-Key`; the acting key is recorded.
    @Sendable func adjust(_ request: Request, context: PatronRequestContext) async throws -> Response {
        try context.require(.pointsAdjust)
        let memberID = try context.parameters.require("member_id")
        let key = try request.idempotencyKey()
        let (body, _) = try await JSONBody.read(request, context: context)
        var reader = FieldReader(body)
        let points = reader.integer("points", required: true)
        let reason = reader.string("reason", required: true, maxLength: 500)
        let expiresAt = reader.timestamp("expires_at")
        if points == 0 { reader.fail("points", "must not be zero") }
        if let reason, reason.trimmingWhitespace().isEmpty { reader.fail("reason", "must not be empty") }
        try reader.finish()
        if case .staff(let session) = context.principal, !session.user.role.mayAdjust(points: points ?? 0) {
            throw Problem(
                status: .forbidden, title: "Forbidden",
                detail: "your role may add or remove at most \(session.user.role.adjustmentLimit ?? 0) points at a time"
            )
        }
        let (movement, isReplay) = try await store.adjustPoints(
            memberID: memberID, points: points ?? 0, reason: reason ?? "", idempotencyKey: key,
            actor: context.actorID, expiresAt: expiresAt)
        return try JSONBody.response(movement, status: isReplay ? .ok : .created)
    }

    @Sendable func cancelLot(_ request: Request, context: PatronRequestContext) async throws -> Response {
        try context.require(.pointsAdjust)
        let memberID = try context.parameters.require("member_id")
        let lotID = try context.parameters.require("lot_id")
        let (body, _) = try await JSONBody.read(request, context: context)
        var reader = FieldReader(body)
        let reason = reader.string("reason", required: true, maxLength: 500)
        try reader.finish()
        let balance = try await store.cancelPendingLot(
            memberID: memberID, lotID: lotID, reason: reason ?? "", actor: context.actorID, at: store.clock.now)
        return try JSONBody.response(balance)
    }

    @Sendable func tier(_ request: Request, context: PatronRequestContext) async throws -> Response {
        let memberID = try context.parameters.require("member_id")
        try context.require(.membersRead, member: memberID)
        guard let view = try await store.tierView(memberID: memberID, at: store.clock.now) else {
            throw LedgerError.memberNotFound(memberID: memberID)
        }
        return try JSONBody.response(TierResource(memberID: memberID, view: view))
    }

    /// `{"refund_id": "R-1", "lines": [{"sku": "LATTE-L", "quantity": 1}]}`: 201, or 200 on a replay.
    @Sendable func refund(_ request: Request, context: PatronRequestContext) async throws -> Response {
        try context.require(.ordersWrite)
        let orderID = try context.parameters.require("order_id")
        let (body, _) = try await JSONBody.read(request, context: context)
        var reader = FieldReader(body)
        let refundID = reader.string("refund_id", required: true, maxLength: 128)
        var lines: [RefundLine] = []
        if let items = reader.array("lines", required: true) {
            if items.isEmpty { reader.fail("lines", "must hold at least one line") }
            for (index, item) in items.enumerated() {
                var line = FieldReader(item, pointer: reader.path("lines/\(index)"))
                let sku = line.string("sku", required: true, maxLength: 128)
                let quantity = line.integer("quantity", required: true)
                if let quantity, quantity <= 0 { line.fail("quantity", "must be greater than zero") }
                reader.absorb(line.errors)
                if let sku, let quantity { lines.append(RefundLine(sku: sku, quantity: quantity)) }
            }
        }
        try reader.finish()
        let (result, isReplay) = try await store.refundOrder(
            orderID: orderID, refundID: refundID ?? "", lines: lines, actor: context.actorID, at: store.clock.now)
        return try JSONBody.response(result, status: isReplay ? .ok : .created)
    }

    @Sendable func liability(_ request: Request, context: PatronRequestContext) async throws -> Response {
        try context.require(.reportsRead)
        return try JSONBody.response(LiabilityResource(liability: try await store.pointsLiability()))
    }
}
