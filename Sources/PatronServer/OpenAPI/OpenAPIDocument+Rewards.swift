import PatronCore

extension OpenAPIDocument {
    static let rewardsPaths: [String: JSONValue] = [
        "/v1/rewards": [
            "post": operation(
                "Create (201) or replace (200) a reward by reward_id", scope: "admin", body: ref("Reward"),
                response: ref("Reward"), status: "201"),
            "get": operation(
                "The catalog; with member_id, whether that member can redeem each reward now and why not",
                scope: "members:read", parameters: [query("member_id", "string")],
                response: object(["rewards": ["type": "array", "items": ref("Reward")]])),
        ],
        "/v1/rewards/{reward_id}": [
            "get": operation(
                "One reward with its stock left", scope: "members:read", parameters: [path("reward_id")],
                response: ref("Reward"))
        ],
        "/v1/members/{member_id}/redemptions": [
            "post": operation(
                "Redeem a reward: points and stock are taken and a coupon issued in one transaction (409 with reasons when refused)",
                scope: "points:write", parameters: [path("member_id"), idempotencyKey],
                body: object(["reward_id": string], required: ["reward_id"]), response: ref("Redemption"),
                status: "201"),
            "get": operation(
                "The member's redemptions, newest first", scope: "members:read",
                parameters: [path("member_id"), query("limit", "integer"), query("cursor", "string")],
                response: object([
                    "redemptions": ["type": "array", "items": ref("Redemption")], "next_cursor": nullable(string),
                ])),
        ],
        "/v1/members/{member_id}/redemptions/{redemption_id}/cancel": [
            "post": operation(
                "Cancel an unused coupon: its points and unit of stock come back", scope: "points:write",
                parameters: [path("member_id"), path("redemption_id")], response: ref("Redemption"))
        ],
        "/v1/coupons/{code}/validate": [
            "post": operation(
                "Whether a coupon can be used now, and its discount on an order total", scope: "points:write",
                parameters: [path("code")], body: object(["order_total_minor": integer]),
                response: object([
                    "valid": ["type": "boolean"], "state": string, "problems": ["type": "array", "items": string],
                    "discount_minor": nullable(integer), "reward": ref("Reward"), "redemption": ref("Redemption"),
                ]))
        ],
        "/v1/coupons/{code}/consume": [
            "post": operation(
                "Use a coupon on an order (idempotent per order; another order gets 409)", scope: "points:write",
                parameters: [path("code")],
                body: object(["order_id": string, "order_total_minor": integer], required: ["order_id"]),
                response: ref("Redemption"))
        ],
        "/v1/members/{member_id}/referral": [
            "get": operation(
                "The member's referral code (null until made), who referred them, and their referrals",
                scope: "members:read", parameters: [path("member_id")], response: ref("ReferralSummary")),
            "post": operation(
                "Make the member's referral code (once) and remember the device it is shared from",
                scope: "members:write", parameters: [path("member_id")], body: object(["device_id": string]),
                response: ref("ReferralSummary")),
        ],
        "/v1/referrals": [
            "post": operation(
                "Link a member who has not ordered yet to the owner of a referral code (422 with a reason when refused)",
                scope: "members:write",
                body: object(
                    [
                        "referral_code": string, "member_id": string, "email": string, "phone": string,
                        "device_id": string,
                    ], required: ["referral_code", "member_id"]),
                response: ref("ReferralLink"), status: "201")
        ],
        "/v1/campaigns/surprise": [
            "post": operation(
                "Give points or a reward to N members chosen at random (reproducibly by seed) from a filter; dry_run lists them",
                scope: "admin",
                body: object(
                    [
                        "campaign_id": string, "count": integer,
                        "seed": ["type": "integer", "format": "uint64", "minimum": 0, "description": "0 to 2^64-1"],
                        "dry_run": ["type": "boolean"],
                        "reason": string,
                        "filter": object([
                            "tiers": ["type": "array", "items": string], "last_order_within_days": integer,
                            "birthday_this_month": ["type": "boolean"],
                        ]),
                        "grant": ref("Grant"),
                    ], required: ["campaign_id", "count", "seed", "filter", "grant"]),
                response: object([
                    "campaign_id": string, "eligible": integer, "selected": ["type": "array", "items": string],
                    "dry_run": ["type": "boolean"],
                ]), status: "201")
        ],
        "/v1/reports/rewards": [
            "get": operation(
                "Redemption rate, breakage, most-redeemed rewards and referral conversion", scope: "reports:read",
                response: object([
                    "points_earned": integer, "points_redeemed": integer, "points_expired": integer,
                    "redemption_rate": ["type": "number"], "breakage": ["type": "number"],
                    "most_redeemed": [
                        "type": "array", "items": object(["reward_id": string, "count": integer]),
                    ],
                    "referrals": object([
                        "linked": integer, "qualifying": integer, "rewarded": integer,
                        "conversion_rate": ["type": "number"], "referred_revenue_minor": integer,
                        "referred_orders": integer,
                    ]),
                ]))
        ],
    ]

    static let rewardsSchemas: [String: JSONValue] = [
        "Reward": object(
            [
                "reward_id": string,
                "kind": .object(["enum": .array(RewardKind.allCases.map { .string($0.rawValue) })]),
                "name": object(["zh": string, "en": string]), "description": object(["zh": string, "en": string]),
                "cost_points": integer, "stock": nullable(integer), "per_member_limit": integer,
                "period_limit": object(["count": integer, "period": ["enum": ["day", "week", "month", "year"]]]),
                "eligible_tiers": ["type": "array", "items": string], "active_from": timestamp,
                "active_to": timestamp, "discount_minor": integer, "percent_off": integer,
                "max_discount_minor": integer, "min_spend_minor": integer, "cashback_points": integer,
                "benefit": string, "donation_minor": integer, "charity": string, "coupon_valid_days": integer,
                "issued": integer, "stock_left": nullable(integer), "redeemable": ["type": "boolean"],
                "reasons": ["type": "array", "items": object(["code": string, "detail": string])],
            ], required: ["reward_id", "kind", "name", "cost_points"]),
        "Redemption": object([
            "redemption_id": string, "member_id": string, "reward_id": string, "kind": string, "points": integer,
            "coupon_code": nullable(string),
            "status": ["enum": ["issued", "used", "cancelled", "donated"]],
            "state": ["enum": ["issued", "used", "cancelled", "expired", "donated"]],
            "source": ["enum": ["redemption", "surprise", "birthday", "referral"]], "campaign_id": nullable(string),
            "issued_at": timestamp, "expires_at": nullable(timestamp), "used_order_id": nullable(string),
            "used_at": nullable(timestamp), "cancelled_at": nullable(timestamp), "balance": ref("Balance"),
        ]),
        "ReferralSummary": object([
            "member_id": string, "code": nullable(string), "referred_by": nullable(string),
            "referrals": object(["joined": integer, "qualifying": integer, "rewarded": integer]),
        ]),
        "ReferralLink": object([
            "referee_id": string, "referrer_id": string, "status": ["enum": ["joined", "qualifying", "rewarded"]],
            "order_id": nullable(string), "due_at": nullable(timestamp), "rewarded_at": nullable(timestamp),
            "created_at": timestamp,
        ]),
        "Grant": object(["points": integer, "reward_id": string]),
        "ReferralProgram": object([
            "referrer_points": integer, "referee_points": integer, "referrer_reward_id": string,
            "referee_reward_id": string, "min_order_minor": integer, "max_referrals_per_member": integer,
        ]),
    ]
}
