import OpenAPIKit
import PatronCore

/// The bodies of the rewards paths.
extension OpenAPIDocument {
    /// A reward's definition fields, as requests give them and answers show them.
    static var rewardFields: OrderedDictionary<String, JSONSchema> {
        let optionalName = ref(.localizedName, required: false)
        return [
            "reward_id": pattern(#"^[^/\u0000\#(whitespace)]{1,64}$"#, description: "No spaces or slashes"),
            "kind": cases(RewardKind.self),
            "name": input([
                "zh": text(maxLength: 1024, nonBlank: true), "en": text(maxLength: 1024, nonBlank: true),
            ]),
            "description": optionalName,
            "cost_points": integer(0), "stock": integer(0, required: false),
            "per_member_limit": integer(1, required: false),
            "period_limit": input(
                ["count": integer(1), "period": choice(["day", "week", "month", "year"])], required: false),
            "eligible_tiers": list(text(maxLength: 1024), required: false), "active_from": instant(required: false),
            "active_to": instant(required: false), "discount_minor": integer(1, required: false),
            "percent_off": integer(1, 100, required: false), "max_discount_minor": integer(1, required: false),
            "min_spend_minor": integer(0, required: false), "cashback_points": integer(1, required: false),
            "benefit": text(maxLength: 1024, required: false), "donation_minor": integer(1, required: false),
            "charity": text(maxLength: 1024, required: false), "coupon_valid_days": integer(1, 3650, required: false),
            "transferable": boolean(required: false),
        ]
    }

    /// Each kind's own fields, and no other kind's (null counts as absent): a discount coupon has
    /// discount_minor or percent_off (not both; max_discount_minor only caps a percentage), cashback its points,
    /// a donation its amount and charity, a convenience benefit its name.
    static var rewardKinds: JSONSchema {
        let owners: [(String, RewardKind)] = [
            ("discount_minor", .discountCoupon), ("percent_off", .discountCoupon),
            ("max_discount_minor", .discountCoupon), ("cashback_points", .cashbackPoints),
            ("benefit", .convenienceBenefit), ("donation_minor", .charityDonation), ("charity", .charityDonation),
        ]
        func kind(_ kind: RewardKind, _ fields: OrderedDictionary<String, JSONSchema> = [:]) -> JSONSchema {
            var properties = fields
            for (field, owner) in owners where owner != kind {
                properties[field] = .null(.init(required: false, nullable: true))
            }
            properties["kind"] = .string(allowedValues: [AnyCodable(kind.rawValue)])
            return .object(properties: properties)
        }
        let named = JSONSchema.string(minLength: 1)
        let absent = JSONSchema.null(.init(required: false, nullable: true))
        return .any(of: [
            .all(of: [
                kind(.discountCoupon),
                .one(of: [
                    .object(properties: ["discount_minor": .integer, "max_discount_minor": absent]),
                    .object(properties: ["percent_off": .integer]),
                ]),
            ]),
            kind(.cashbackPoints, ["cashback_points": .integer]),
            kind(.charityDonation, ["donation_minor": .integer, "charity": named]),
            kind(.convenienceBenefit, ["benefit": named]), kind(.physicalGift), kind(.experience),
        ])
    }

    static var rewardSchemas: [SchemaName: JSONSchema] {
        var reward = rewardFields
        reward["issued"] = count()
        reward["stock_left"] = count(nullable: true)
        reward["created_at"] = timestamp()
        reward["updated_at"] = timestamp()
        reward["redeemable"] = boolean(required: false)
        reward["reasons"] = list(object(["code": output(), "detail": output()]), required: false)
        let redemption = object([
            "redemption_id": output(), "member_id": output(), "reward_id": output(), "kind": cases(RewardKind.self),
            "points": count(), "coupon_code": output(nullable: true),
            "status": choice(["issued", "used", "cancelled", "donated"]),
            "state": choice(["issued", "used", "cancelled", "expired", "donated"]),
            "source": choice(["redemption", "surprise", "birthday", "referral", "goodwill"]),
            "campaign_id": output(nullable: true), "issued_at": timestamp(), "expires_at": timestamp(nullable: true),
            "used_order_id": output(nullable: true), "used_at": timestamp(nullable: true),
            "cancelled_at": timestamp(nullable: true), "balance": ref(.balance, required: false),
        ])
        let grant = JSONSchema.all(
            of: [
                input(["points": integer(1, required: false), "reward_id": text(maxLength: 64, required: false)]),
                .any(of: [
                    .object(properties: ["points": .integer]),
                    .object(properties: ["reward_id": .string(minLength: 1)]),
                ]),
            ], core: .init(description: "Points, a reward, or both"))
        let surprise = input([
            "campaign_id": .string(minLength: 1, maxLength: 128, pattern: anyText),
            "count": integer(1, 100_000), "seed": unsigned64(description: "0 to 2^64 − 1"),
            "dry_run": boolean(required: false),
            "reason": text(maxLength: 1024, required: false),
            "filter": input([
                "tiers": list(text(maxLength: 1024), required: false),
                "last_order_within_days": integer(0, 36_500, required: false),
                "birthday_this_month": boolean(required: false),
                "segment_id": .string(
                    required: false, description: "Only members of this saved segment now.", minLength: 1,
                    maxLength: 64, pattern: "^[A-Za-z0-9_-]+$"),
            ]),
            "grant": ref(.grant),
        ])
        return [
            .rewardInput: .all(of: [input(rewardFields), rewardKinds]), .reward: object(reward),
            .redemption: redemption, .grant: grant,
            .surprise: surprise,
            .surpriseOutcome: object([
                "campaign_id": output(), "eligible": count(), "selected": list(output()), "dry_run": boolean(),
            ]),
            .referralSummary: object([
                "member_id": output(), "code": output(nullable: true), "referred_by": output(nullable: true),
                "referrals": object(["joined": count(), "qualifying": count(), "rewarded": count()]),
            ]),
            .referralLink: object([
                "referee_id": output(), "referrer_id": output(),
                "status": choice(["joined", "qualifying", "rewarded"]), "order_id": output(required: false),
                "due_at": timestamp(required: false), "rewarded_at": timestamp(required: false),
                "created_at": timestamp(),
            ]),
            .referralProgram: input([
                "referrer_points": integer(0, required: false), "referee_points": integer(0, required: false),
                "referrer_reward_id": text(maxLength: 64, required: false),
                "referee_reward_id": text(maxLength: 64, required: false),
                "min_order_minor": integer(0, required: false),
                "max_referrals_per_member": integer(1, required: false),
            ]),
            .rewardsReport: object([
                "points_earned": count(), "points_redeemed": count(), "points_expired": count(),
                "points_reversed": count(), "points_outstanding": count(),
                "redemption_rate": number(), "breakage": number(),
                "most_redeemed": list(object(["reward_id": output(), "count": count()])),
                "referrals": object([
                    "linked": count(), "qualifying": count(), "rewarded": count(), "conversion_rate": number(),
                    "referred_revenue_minor": count(), "referred_orders": count(),
                ]),
            ]),
        ]
    }
}
