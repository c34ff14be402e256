import PatronCore

extension OpenAPIDocument {
    static let idempotencyKey: JSONValue = [
        "name": "Idempotency-Key", "in": "header", "required": true, "schema": string,
        "description": "A retry with the same key and body gets the first answer (200); another body gets 409.",
    ]

    static let loyaltyPaths: [String: JSONValue] = [
        "/v1/members/{member_id}/points": [
            "get": operation(
                "The member's balance (available, pending, lifetime_earned, expiring_soon) and journal, newest first",
                scope: "members:read",
                parameters: [path("member_id"), query("limit", "integer"), query("cursor", "string")],
                response: ref("Points"))
        ],
        "/v1/members/{member_id}/points/spend": [
            "post": operation(
                "Spend points as payment, soonest-expiring first (409 when the balance is short)",
                scope: "points:write", parameters: [path("member_id"), idempotencyKey],
                body: object(["points": integer, "reference": string], required: ["points"]),
                response: ref("PointsMovement"), status: "201")
        ],
        "/v1/members/{member_id}/points/adjustments": [
            "post": operation(
                "A manual correction with a reason; the acting key is recorded", scope: "admin",
                parameters: [path("member_id"), idempotencyKey],
                body: object(
                    ["points": integer, "reason": string, "expires_at": timestamp], required: ["points", "reason"]),
                response: ref("PointsMovement"), status: "201")
        ],
        "/v1/members/{member_id}/points/lots/{lot_id}/cancel": [
            "post": operation(
                "Cancel a pending award", scope: "admin", parameters: [path("member_id"), path("lot_id")],
                body: object(["reason": string], required: ["reason"]), response: ref("Balance"))
        ],
        "/v1/members/{member_id}/tier": [
            "get": operation(
                "The member's tier, qualifying value, progress to the next tier and tier history",
                scope: "members:read", parameters: [path("member_id")], response: ref("Tier"))
        ],
        "/v1/orders/{order_id}/refunds": [
            "post": operation(
                "Refund units of an order: takes back the points they earned and lowers qualifying spend (idempotent on refund_id)",
                scope: "orders:write", parameters: [path("order_id")],
                body: object(
                    [
                        "refund_id": string,
                        "lines": [
                            "type": "array",
                            "items": object(["sku": string, "quantity": integer], required: ["sku", "quantity"]),
                        ],
                    ], required: ["refund_id", "lines"]),
                response: ref("Refund"), status: "201")
        ],
        "/v1/reports/points-liability": [
            "get": operation(
                "Outstanding points: available, pending, owed, and expiring by month", scope: "reports:read",
                response: ref("Liability"))
        ],
        "/v1/program": [
            "get": versioned(
                operation(
                    "The loyalty program in force and its version", scope: "admin", response: ref("ProgramVersion"))),
            "put": versioned(
                operation(
                    "Replace the program (omitted fields take the standard values); stored as a new version",
                    scope: "admin", body: ref("Program"), response: ref("ProgramVersion")), change: true),
        ],
        "/v1/rules": [
            "get": versioned(
                operation(
                    "The earning rules in force", scope: "admin",
                    response: object(["version": integer, "data": ["type": "array", "items": ref("Rule")]])))
        ],
        "/v1/rules/{rule_id}": [
            "put": versioned(
                operation(
                    "Create (201) or replace (200) one earning rule", scope: "admin", parameters: [path("rule_id")],
                    body: ref("Rule"), response: object(["version": integer, "rule": ref("Rule")])), change: true),
            "delete": versioned(
                operation(
                    "Remove an earning rule", scope: "admin", parameters: [path("rule_id")],
                    response: ["type": "null"], status: "204"), change: true),
        ],
        "/v1/rules/simulate": [
            "post": operation(
                "What an order (the POST /v1/orders shape, order_id optional) would earn, and why; writes nothing",
                scope: "orders:read", body: ref("OrderInput"), response: ref("Simulation"))
        ],
    ]

    static let loyaltySchemas: [String: JSONValue] = [
        "Balance": object([
            "available": integer, "pending": integer, "lifetime_earned": integer, "debt": integer,
        ]),
        "Points": object([
            "member_id": string, "available": integer, "pending": integer, "lifetime_earned": integer,
            "debt": integer, "expiring_soon": integer, "expiring_soon_days": integer,
            "lots": [
                "type": "array",
                "items": object([
                    "lot_id": string, "source": string, "source_id": nullable(string), "points": integer,
                    "remaining": integer, "status": ["enum": ["pending", "active"]], "earned_at": timestamp,
                    "available_at": timestamp, "expires_at": nullable(timestamp),
                ]),
            ],
            "entries": [
                "type": "array",
                "items": object([
                    "entry_id": string,
                    "kind": ["enum": .array(PointEntryKind.allCases.map { .string($0.rawValue) })],
                    "points": integer, "reason": string, "actor": nullable(string), "reference": nullable(string),
                    "created_at": timestamp,
                ]),
            ],
            "next_cursor": nullable(string),
        ]),
        "PointsMovement": object([
            "member_id": string, "points": integer, "reference": nullable(string), "reason": string,
            "draws": ["type": "array", "items": object(["lot_id": string, "points": integer])],
            "balance": ref("Balance"),
        ]),
        "Refund": object([
            "refund_id": string, "order_id": string, "member_id": string, "amount_minor": integer,
            "points_reversed": integer, "points_forgiven": integer, "points_owed": integer, "points_lapsed": integer,
            "balance": ref("Balance"),
        ]),
        "Tier": object([
            "member_id": string, "tier": ref("TierLevel"), "since": ["type": "string", "format": "date"],
            "next_evaluation": ["type": "string", "format": "date"], "grace_until": nullable(string),
            "basis": ["enum": ["qualifying_spend", "points_earned"]], "qualifying_value": integer,
            "next": nullable(object(["tier": ref("TierLevel"), "remaining": integer])),
            "history": [
                "type": "array",
                "items": object([
                    "from": nullable(string), "to": string, "reason": string, "changed_at": timestamp,
                ]),
            ],
        ]),
        "TierLevel": object([
            "tier_id": string, "name": object(["zh": string, "en": string]), "threshold": integer,
            "multiplier": ["type": "number"], "benefits": ["type": "array", "items": string],
        ]),
        "Liability": object([
            "outstanding": integer, "available": integer, "pending": integer, "debt": integer, "members": integer,
            "never_expiring": integer,
            "expiring_by_month": ["type": "array", "items": object(["month": string, "points": integer])],
        ]),
        "Rule": object(
            [
                "rule_id": string, "name": string,
                "kind": .object(["enum": .array(EarningRule.Kind.allCases.map { .string($0.rawValue) })]),
                "priority": integer,
                "stacking": .object(["enum": .array(EarningRule.Stacking.allCases.map { .string($0.rawValue) })]),
                "points": integer, "per_minor": integer, "rounding": ["enum": ["down", "nearest", "up"]],
                "factor": ["type": "number"],
                "match": object([
                    "skus": ["type": "array", "items": string], "categories": ["type": "array", "items": string],
                    "channels": ["type": "array", "items": string], "stores": ["type": "array", "items": string],
                ]),
                "minimum_minor": integer, "event": string, "active_from": timestamp, "active_to": timestamp,
                "pending_days": integer, "pending_until_return_window": ["type": "boolean"],
                "caps": object(["per_member_per_day": integer, "per_member_per_month": integer, "total": integer]),
            ], required: ["kind"]),
        "Program": object([
            "currency": string, "utc_offset": string,
            "expiry": object([
                "policy": ["enum": ["never", "days_after_earning", "end_of_month", "end_of_year"]], "days": integer,
                "months": integer,
            ]),
            "return_window_days": integer,
            "refund_policy": .object(["enum": .array(RefundPolicy.allCases.map { .string($0.rawValue) })]),
            "expiring_soon_days": integer, "rules": ["type": "array", "items": ref("Rule")],
            "referral": ref("ReferralProgram"), "birthday_reward": ref("Grant"),
            "tiers": object([
                "basis": ["enum": ["qualifying_spend", "points_earned"]], "window_months": integer,
                "evaluation": object([
                    "on": ["enum": ["anniversary", "fixed_date"]], "month": integer, "day": integer,
                ]),
                "grace_days": integer, "downgrade_steps": integer,
                "levels": ["type": "array", "items": ref("TierLevel")],
            ]),
        ]),
        "ProgramVersion": object(["version": integer, "program": ref("Program")]),
        "Simulation": object([
            "points": integer, "tier": string,
            "awards": [
                "type": "array",
                "items": object([
                    "rule_id": string, "points": integer, "reason": string, "pending_days": integer,
                    "points_by_line": ["type": "array", "items": integer],
                ]),
            ],
            "lines": ["type": "array", "items": object(["sku": string, "points": integer])],
        ]),
    ]

    /// Adds the program version's `ETag` to an operation's answer and, for a change, the `If-Match` header
    /// and its 412 answer.
    static func versioned(_ operation: JSONValue, change: Bool = false) -> JSONValue {
        guard case .object(var fields) = operation, case .object(var responses)? = fields["responses"] else {
            return operation
        }
        for (status, response) in responses where status != "default" {
            guard case .object(var answer) = response else { continue }
            answer["headers"] = ["ETag": ["description": "the program version, quoted: \"7\"", "schema": string]]
            responses[status] = .object(answer)
        }
        if change {
            responses["412"] = ["$ref": "#/components/responses/Problem"]
            var parameters: [JSONValue] = []
            if case .array(let existing)? = fields["parameters"] { parameters = existing }
            parameters.append([
                "name": "If-Match", "in": "header", "required": false, "schema": string,
                "description": "change only if this version (an ETag) is in force; 412 otherwise",
            ])
            fields["parameters"] = .array(parameters)
        }
        fields["responses"] = .object(responses)
        return .object(fields)
    }
}
