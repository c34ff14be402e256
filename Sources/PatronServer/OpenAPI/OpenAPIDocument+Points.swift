import OpenAPIKit
import PatronCore

/// Points, tiers, refunds and the liability report.
extension OpenAPIDocument {
    static var pointsPaths: [OpenAPI.Path: OpenAPI.PathItem] {
        let noMember = (Failure.notFound, "No member has this id.")
        return [
            "/v1/members/{member_id}/points": .init(
                get: operation(
                    "The member's balance (available, pending, lifetime_earned, expiring_soon) and journal, newest first",
                    id: "getPoints", scope: .membersRead, forMember: true, parameters: [memberID, limit, cursor],
                    answers: [.ok(ref(.points))], failures: [noMember, (.unprocessable, "`limit` is out of range.")])),
            "/v1/members/{member_id}/points/spend": .init(
                post: operation(
                    "Spend points as payment, soonest-expiring first", id: "spendPoints", scope: .pointsWrite,
                    parameters: [memberID, idempotencyKey],
                    body: input([
                        "points": integer(1), "reference": text(maxLength: 128, required: false),
                    ]),
                    answers: [.created(ref(.pointsMovement)), .ok(ref(.pointsMovement), "A retry with the same key")],
                    failures: [
                        (.gone, Failure.gone.meaning),
                        noMember,
                        (
                            .badRequest,
                            "The body is not JSON, Idempotency-Key is missing, or the target holds an encoded NUL."
                        ),
                        (.conflict, "The balance is short, or the key was used for another request."),
                    ])),
            "/v1/members/{member_id}/points/adjustments": .init(
                post: operation(
                    "A manual correction with a reason; the acting key is recorded", id: "adjustPoints",
                    scope: .pointsAdjust,
                    parameters: [memberID, idempotencyKey],
                    body: input([
                        "points": .one(of: [integer(1), integer(-maximumSafeInteger, -1)], core: .init()),
                        "reason": text(maxLength: 500, nonBlank: true),
                        "expires_at": instant(required: false, description: "When the points granted expire."),
                    ]),
                    answers: [.created(ref(.pointsMovement)), .ok(ref(.pointsMovement), "A retry with the same key")],
                    failures: [
                        (.gone, Failure.gone.meaning),
                        noMember,
                        (
                            .badRequest,
                            "The body is not JSON, Idempotency-Key is missing, or the target holds an encoded NUL."
                        ),
                        (.conflict, "The key was used for another request."),
                    ])),
            "/v1/members/{member_id}/points/lots/{lot_id}/cancel": .init(
                post: operation(
                    "Cancel a pending award", id: "cancelLot", scope: .pointsAdjust,
                    parameters: [memberID, pathID("lot_id", "The award's lot id.")],
                    body: input(["reason": text(maxLength: 500, nonBlank: true)]), answers: [.ok(ref(.balance))],
                    failures: [
                        (.notFound, "No member has this id, or the member has no such lot."),
                        (.conflict, "The lot is not pending."),
                    ])),
            "/v1/members/{member_id}/tier": .init(
                get: operation(
                    "The member's tier, qualifying value, progress to the next tier and tier history", id: "getTier",
                    scope: .membersRead, forMember: true, parameters: [memberID], answers: [.ok(ref(.tier))],
                    failures: [noMember])),
            "/v1/orders/{order_id}/refunds": .init(
                post: operation(
                    "Refund units of an order: takes back the points they earned and lowers qualifying spend (idempotent on refund_id)",
                    id: "refundOrder", scope: .ordersWrite, parameters: [pathID("order_id", "The order's id.")],
                    body: input([
                        "refund_id": text(maxLength: 128, nonBlank: true),
                        "lines": list(
                            input(["sku": text(maxLength: 128, nonBlank: true), "quantity": integer(1)]), minItems: 1),
                    ]),
                    answers: [.created(ref(.refund)), .ok(ref(.refund), "A replay of the same refund")],
                    failures: [
                        (.notFound, "No order has this id."),
                        (
                            .conflict,
                            "The refund_id was used for another refund, the points were spent and the policy is "
                                + "'refuse', or the order's lines are no longer kept (retention summed them)."
                        ),
                        (.unprocessable, "A field is invalid, or more units than are left to refund are asked for."),
                    ])),
            "/v1/reports/points-liability": .init(
                get: operation(
                    "Outstanding points: available, pending, owed, and expiring by month", id: "pointsLiability",
                    scope: .reportsRead, answers: [.ok(ref(.liability))])),
        ]
    }

    static var pointsSchemas: [SchemaName: JSONSchema] {
        let balance = object([
            "available": count(), "pending": count(), "lifetime_earned": count(), "debt": count(),
        ])
        let entry = object([
            "entry_id": output(),
            "kind": cases(PointEntryKind.self),
            "points": count(), "reason": output(), "actor": output(nullable: true),
            "reference": output(nullable: true), "created_at": timestamp(),
        ])
        let points = object([
            "member_id": output(), "available": count(), "pending": count(), "lifetime_earned": count(),
            "debt": count(), "expiring_soon": count(), "expiring_soon_days": count(),
            "lots": list(
                object([
                    "lot_id": output(), "source": output(), "source_id": output(nullable: true), "points": count(),
                    "remaining": count(), "status": cases(LotStatus.self), "earned_at": timestamp(),
                    "available_at": timestamp(), "expires_at": timestamp(nullable: true),
                ]), description: "The lots with points left, soonest-expiring first."),
            "entries": list(entry),
            "next_cursor": output(nullable: true),
        ])
        let movement = object([
            "member_id": output(), "points": count(), "reference": output(required: false), "reason": output(),
            "draws": list(object(["lot_id": output(), "points": count()])), "balance": ref(.balance),
        ])
        let refund = object([
            "refund_id": output(), "order_id": output(), "member_id": output(), "amount_minor": count(),
            "points_reversed": count(), "points_forgiven": count(), "points_owed": count(),
            "points_lapsed": count(), "balance": ref(.balance),
        ])
        let tier = object([
            "member_id": output(), "tier": ref(.tierLevel), "since": date(), "next_evaluation": date(),
            "grace_until": date(nullable: true), "basis": choice(["qualifying_spend", "points_earned"]),
            "qualifying_value": count(),
            "next": orNull(object(["tier": ref(.tierLevel), "remaining": count()])),
            "history": list(
                object([
                    "from": output(nullable: true), "to": output(), "reason": output(), "changed_at": timestamp(),
                ])),
        ])
        let liability = object([
            "outstanding": count(), "available": count(), "pending": count(), "debt": count(), "members": count(),
            "never_expiring": count(),
            "expiring_by_month": list(object(["month": output(), "points": count()])),
        ])
        return [
            .balance: balance, .points: points, .pointsMovement: movement, .refund: refund, .tier: tier,
            .liability: liability,
        ]
    }
}
