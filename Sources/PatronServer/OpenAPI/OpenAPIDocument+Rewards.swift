import OpenAPIKit
import PatronCore

/// The rewards catalog, redemptions, coupons, referrals and surprise campaigns.
extension OpenAPIDocument {
    static var rewardsPaths: [OpenAPI.Path: OpenAPI.PathItem] {
        let code = pathID("code", "The coupon's code.")
        let noMember = (Failure.notFound, "No member has this id.")
        return [
            "/v1/rewards": .init(
                get: operation(
                    "The catalog; with member_id, whether that member can redeem each reward now and why not",
                    id: "listRewards", scope: .membersRead, forMember: true,
                    parameters: [
                        query("member_id", .string(required: false, minLength: 1, pattern: anyText), "A member's id.")
                    ],
                    answers: [.ok(object(["rewards": list(ref(.reward))]))],
                    failures: [
                        (.notFound, "No member has member_id."),
                        (.unprocessable, "member_id is empty or given twice."),
                    ]),
                post: operation(
                    "Create (201) or replace (200) a reward by reward_id", id: "saveReward", scope: .programWrite,
                    body: ref(.rewardInput), answers: [.created(ref(.reward)), .ok(ref(.reward), "Replaced")],
                    failures: [
                        (
                            .unprocessable,
                            "A field is invalid, or the parts disagree: active_to after active_from, a zh or en name, "
                                + "the kind's own fields (discount_minor or percent_off, cashback_points, donation_minor "
                                + "and charity, benefit)."
                        )
                    ])),
            "/v1/rewards/{reward_id}": .init(
                get: operation(
                    "One reward with its stock left", id: "getReward", scope: .membersRead,
                    parameters: [pathID("reward_id", "The reward's id.")], answers: [.ok(ref(.reward))],
                    failures: [(.notFound, "No reward has this id.")])),
            "/v1/members/{member_id}/redemptions": .init(
                get: operation(
                    "The member's redemptions, newest first", id: "listRedemptions", scope: .membersRead,
                    forMember: true,
                    parameters: [memberID, limit, cursor],
                    answers: [
                        .ok(
                            object([
                                "redemptions": list(ref(.redemption)),
                                "next_cursor": output(
                                    required: false, description: "Present when there is a next page"),
                            ]))
                    ], failures: [(.unprocessable, "`limit` is out of range.")]),
                post: operation(
                    "Redeem a reward: points and stock are taken and a coupon issued in one transaction",
                    id: "redeemReward", scope: .pointsWrite, forMember: true, parameters: [memberID, idempotencyKey],
                    body: input(["reward_id": text(maxLength: 64, nonBlank: true)]),
                    answers: [.created(ref(.redemption)), .ok(ref(.redemption), "A retry with the same key")],
                    failures: [
                        (.gone, Failure.gone.meaning),
                        (.notFound, "No member or no reward has this id."),
                        (
                            .badRequest,
                            "The body is not JSON, Idempotency-Key is missing, or the target holds an encoded NUL."
                        ),
                        (.conflict, "The member cannot redeem it now (`reasons` says why), or the key was reused."),
                    ])),
            "/v1/members/{member_id}/redemptions/{redemption_id}/cancel": .init(
                post: operation(
                    "Cancel an unused coupon: its points and unit of stock come back", id: "cancelRedemption",
                    scope: .pointsWrite, parameters: [memberID, pathID("redemption_id", "The redemption's id.")],
                    answers: [.ok(ref(.redemption))],
                    failures: [
                        (.gone, Failure.gone.meaning),
                        (.notFound, "The member has no redemption with this id."),
                        (.conflict, "The coupon was used, donated or has expired."),
                    ])),
            "/v1/coupons/{code}/validate": .init(
                post: operation(
                    "Whether a coupon can be used now, and its discount on an order total", id: "validateCoupon",
                    scope: .couponsRedeem, parameters: [code],
                    body: input([
                        "order_id": text(maxLength: 128, required: false),
                        "order_total_minor": integer(0, required: false),
                        "member_id": text(
                            maxLength: 64, required: false,
                            description: "The paying member; another member's coupon is refused unless transferable"),
                        "store_id": text(
                            maxLength: 128, required: false,
                            description: "The till's store; required of a key or person held to some stores"),
                    ]), bodyRequired: false,
                    answers: [
                        .ok(
                            object([
                                "valid": boolean(), "state": output(), "problems": list(output()),
                                "discount_minor": count(nullable: true), "reward": ref(.reward),
                                "redemption": ref(.redemption),
                            ]))
                    ], failures: [(.notFound, "No coupon has this code.")])),
            "/v1/coupons/{code}/consume": .init(
                post: operation(
                    "Use a coupon on an order (idempotent per order)", id: "consumeCoupon", scope: .couponsRedeem,
                    parameters: [code],
                    body: input([
                        "order_id": text(maxLength: 128, nonBlank: true),
                        "order_total_minor": integer(0, required: false),
                        "member_id": text(
                            maxLength: 64, required: false,
                            description: "The paying member; another member's coupon is refused unless transferable"),
                        "store_id": text(
                            maxLength: 128, required: false,
                            description: "The till's store; required of a key or person held to some stores"),
                    ]), answers: [.ok(ref(.redemption))],
                    failures: [
                        (.gone, Failure.gone.meaning),
                        (.notFound, "No coupon has this code."),
                        (
                            .conflict,
                            "The coupon is not usable, was used on another order, or is another member's and not "
                                + "transferable."
                        ),
                        (.unprocessable, "A field is invalid, or the order is below the coupon's minimum spend."),
                    ])),
            "/v1/members/{member_id}/referral": .init(
                get: operation(
                    "The member's referral code (null until made), who referred them, and their referrals",
                    id: "getReferral", scope: .membersRead, forMember: true, parameters: [memberID],
                    answers: [.ok(ref(.referralSummary))], failures: [noMember]),
                post: operation(
                    "Make the member's referral code (once) and remember the device it is shared from",
                    id: "makeReferralCode", scope: .membersWrite, forMember: true, parameters: [memberID],
                    body: input(["device_id": text(maxLength: 256, required: false)]), bodyRequired: false,
                    answers: [.ok(ref(.referralSummary))], failures: [noMember])),
            "/v1/referrals": .init(
                post: operation(
                    "Link a member who has not ordered yet to the owner of a referral code", id: "joinReferral",
                    scope: .membersWrite,
                    body: input([
                        "referral_code": text(maxLength: 64, nonBlank: true),
                        "member_id": text(maxLength: 64, nonBlank: true),
                        "email": pattern(email, maxLength: 254, required: false),
                        "phone": pattern(phone, maxLength: 32, required: false),
                        "device_id": text(maxLength: 256, required: false),
                    ]), answers: [.created(ref(.referralLink)), .ok(ref(.referralLink), "The link already existed")],
                    failures: [
                        (.notFound, "No member has member_id."),
                        (
                            .unprocessable,
                            "A field is invalid, no member has the code, or the link is refused (`reasons`)."
                        ),
                    ])),
            "/v1/campaigns/surprise": .init(
                post: operation(
                    "Give points or a reward to N members chosen at random (reproducibly by seed) from a filter; dry_run lists them",
                    id: "surpriseCampaign", scope: .campaignsWrite, body: ref(.surprise),
                    answers: [.created(ref(.surpriseOutcome)), .ok(ref(.surpriseOutcome), "A dry run, or a replay")],
                    failures: [
                        (.notFound, "The grant names no reward."),
                        (.conflict, "The campaign_id was used for a different campaign."),
                    ])),
            "/v1/reports/rewards": .init(
                get: operation(
                    "Redemption rate, breakage, most-redeemed rewards and referral conversion", id: "rewardsReport",
                    scope: .reportsRead, answers: [.ok(ref(.rewardsReport))])),
        ]
    }
}
