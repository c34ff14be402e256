import Hummingbird
import PatronCore
import PatronStore

/// The rewards catalog, redemptions and coupons at the till, referrals, surprise campaigns and their report.
struct RewardsController {
    let store: Store

    func addRoutes(to group: RouterGroup<PatronRequestContext>) {
        group.post("rewards", use: save)
        group.get("rewards", use: list)
        group.get("rewards/{reward_id}", use: show)
        group.post("members/{member_id}/redemptions", use: redeem)
        group.get("members/{member_id}/redemptions", use: redemptions)
        group.post("members/{member_id}/redemptions/{redemption_id}/cancel", use: cancel)
        group.post("coupons/{code}/validate", use: validateCoupon)
        group.post("coupons/{code}/consume", use: consumeCoupon)
        group.get("members/{member_id}/referral", use: referral)
        group.post("members/{member_id}/referral", use: makeReferralCode)
        group.post("referrals", use: join)
        group.post("campaigns/surprise", use: surprise)
        group.get("reports/rewards", use: report)
    }

    /// Creates (201) or replaces (200) the reward named by `reward_id`.
    @Sendable func save(_ request: Request, context: PatronRequestContext) async throws -> Response {
        try context.require(.programWrite)
        let (body, _) = try await JSONBody.read(request, context: context)
        let reward = try CodableBody.decode(Reward.self, from: body)
        let problems = reward.problems(tiers: try await store.program().program.tiers)
        if !problems.isEmpty { throw ValidationFailure(problems) }
        let (stored, created) = try await store.saveReward(reward)
        context.auditNotes.add([reward.rewardID])
        return try JSONBody.response(RewardResource(stored: stored, refusals: nil), status: created ? .created : .ok)
    }

    /// The catalog; with `?member_id=`, whether that member can redeem each reward now, and why not.
    @Sendable func list(_ request: Request, context: PatronRequestContext) async throws -> Response {
        var query = QueryReader(request)
        let memberID = query.string("member_id")
        try query.finish()
        if let memberID {
            try context.require(.membersRead, member: memberID)
        } else {
            try context.require(.membersRead)
        }
        let offers = try await store.rewardOffers(memberID: memberID, at: store.clock.now)
        return try JSONBody.response(
            ["rewards": offers.map { RewardResource(stored: $0.stored, refusals: memberID == nil ? nil : $0.refusals) }]
        )
    }

    @Sendable func show(_ request: Request, context: PatronRequestContext) async throws -> Response {
        try context.require(.membersRead)
        let rewardID = try context.parameters.require("reward_id")
        guard let stored = try await store.reward(id: rewardID) else {
            throw RewardError.rewardNotFound(rewardID: rewardID)
        }
        return try JSONBody.response(RewardResource(stored: stored, refusals: nil))
    }

    /// `{"reward_id": "COFFEE-5"}` with an `Idempotency-Key`: 201 with the coupon, 200 on a retry, 409 with
    /// every reason when the member cannot redeem it.
    @Sendable func redeem(_ request: Request, context: PatronRequestContext) async throws -> Response {
        let now = store.clock.now
        let memberID = try context.parameters.require("member_id")
        try context.require(.pointsWrite, member: memberID)
        let key = try request.idempotencyKey()
        let (body, _) = try await JSONBody.read(request, context: context)
        var reader = FieldReader(body)
        let rewardID = reader.string("reward_id", required: true, maxLength: 64)
        try reader.finish()
        let (result, isReplay) = try await store.redeem(
            memberID: memberID, rewardID: rewardID ?? "", idempotencyKey: key, actor: context.actorID,
            at: now)
        return try JSONBody.response(
            RedemptionResource(redemption: result.redemption, balance: result.balance, at: now),
            status: isReplay ? .ok : .created)
    }

    @Sendable func redemptions(_ request: Request, context: PatronRequestContext) async throws -> Response {
        let now = store.clock.now
        let memberID = try context.parameters.require("member_id")
        try context.require(.membersRead, member: memberID)
        let pagination = try Pagination(request)
        let page = try await store.redemptions(memberID: memberID, after: pagination.cursor, limit: pagination.limit)
        return try JSONBody.response(
            RedemptionPage(
                redemptions: page.items.map { RedemptionResource(redemption: $0, balance: nil, at: now) },
                nextCursor: Pagination.encode(page.nextCursor)))
    }

    /// Gives back the points and the unit of stock of an unused coupon. Cancelling again answers the same.
    @Sendable func cancel(_ request: Request, context: PatronRequestContext) async throws -> Response {
        let now = store.clock.now
        try context.require(.pointsWrite)
        let result = try await store.cancelRedemption(
            memberID: try context.parameters.require("member_id"),
            redemptionID: try context.parameters.require("redemption_id"), actor: context.actorID,
            at: now)
        return try JSONBody.response(
            RedemptionResource(redemption: result.redemption, balance: result.balance, at: now))
    }

    /// `{"order_id"?, "order_total_minor"?, "member_id"?}`: whether the coupon can be used on that order,
    /// every reason it cannot, and its discount.
    @Sendable func validateCoupon(_ request: Request, context: PatronRequestContext) async throws -> Response {
        let now = store.clock.now
        try context.require(.couponsRedeem)
        let code = try context.parameters.require("code")
        let order = try await tillOrder(request, context: context, requiringOrderID: false)
        let check = try await store.checkCoupon(code: code, order: order, at: now)
        return try JSONBody.response(CouponCheckResource(check: check, at: now))
    }

    /// `{"order_id": "A-1002", "order_total_minor"?, "member_id"?}`: 200 with the used coupon; the same again
    /// answers the same; another order 409.
    @Sendable func consumeCoupon(_ request: Request, context: PatronRequestContext) async throws -> Response {
        let now = store.clock.now
        try context.require(.couponsRedeem)
        let code = try context.parameters.require("code")
        let order = try await tillOrder(request, context: context, requiringOrderID: true)
        let (redemption, _) = try await store.useCoupon(
            code: code, orderID: order.orderID ?? "", order: order, actor: context.actorID, at: now)
        return try JSONBody.response(RedemptionResource(redemption: redemption, balance: nil, at: now))
    }

    private func tillOrder(
        _ request: Request, context: PatronRequestContext, requiringOrderID: Bool
    ) async throws -> TillOrder {
        let (body, _) = try await JSONBody.read(request, context: context, allowEmpty: !requiringOrderID)
        var reader = FieldReader(body)
        let orderID = reader.string("order_id", required: requiringOrderID, maxLength: 128)
        let total = reader.integer("order_total_minor")
        let memberID = reader.string("member_id", maxLength: 64)
        let storeID = reader.string("store_id", maxLength: 128)
        if let total, total < 0 { reader.fail("order_total_minor", "must not be negative") }
        try reader.finish()
        try context.requireStore(storeID)
        return TillOrder(orderID: orderID, totalMinor: total, memberID: memberID)
    }

    @Sendable func referral(_ request: Request, context: PatronRequestContext) async throws -> Response {
        let memberID = try context.parameters.require("member_id")
        try context.require(.membersRead, member: memberID)
        guard let summary = try await store.referralSummary(memberID: memberID) else {
            throw LedgerError.memberNotFound(memberID: memberID)
        }
        return try JSONBody.response(ReferralSummaryResource(summary: summary))
    }

    /// Makes the member's referral code on the first call; `{"device_id": "…"}` (optional) is remembered.
    @Sendable func makeReferralCode(_ request: Request, context: PatronRequestContext) async throws -> Response {
        let memberID = try context.parameters.require("member_id")
        try context.require(.membersWrite, member: memberID)
        let (body, _) = try await JSONBody.read(request, context: context, allowEmpty: true)
        var reader = FieldReader(body)
        let deviceID = reader.string("device_id", maxLength: 256)
        try reader.finish()
        let summary = try await store.makeReferralCode(memberID: memberID, deviceID: deviceID, at: store.clock.now)
        return try JSONBody.response(ReferralSummaryResource(summary: summary))
    }

    /// `{"referral_code": "K7Q2M9XD", "member_id": "mem_…", "email"?, "phone"?, "device_id"?}`: 201 with the
    /// link, 200 when it already existed, 422 with the reason when refused.
    @Sendable func join(_ request: Request, context: PatronRequestContext) async throws -> Response {
        try context.require(.membersWrite)
        let (body, _) = try await JSONBody.read(request, context: context)
        var reader = FieldReader(body)
        let code = reader.string("referral_code", required: true, maxLength: 64)
        let memberID = reader.string("member_id", required: true, maxLength: 64)
        let email = reader.string("email", maxLength: 254)
        let phone = reader.string("phone", maxLength: 32)
        let deviceID = reader.string("device_id", maxLength: 256)
        let parsedEmail = email.flatMap(EmailAddress.init)
        let parsedPhone = phone.flatMap(PhoneNumber.init)
        if email != nil && parsedEmail == nil { reader.fail("email", "is not an email address") }
        if phone != nil && parsedPhone == nil { reader.fail("phone", "is not a phone number") }
        try reader.finish()
        let (link, isReplay) = try await store.joinReferral(
            code: code ?? "", memberID: memberID ?? "", email: parsedEmail, phone: parsedPhone, deviceID: deviceID,
            at: store.clock.now)
        return try JSONBody.response(link, status: isReplay ? .ok : .created)
    }

    /// A surprise campaign; `"dry_run": true` lists who would receive it and gives nothing.
    @Sendable func surprise(_ request: Request, context: PatronRequestContext) async throws -> Response {
        try context.require(.campaignsWrite)
        let (body, text) = try await JSONBody.readWithText(request, context: context)
        let campaign = try CodableBody.decode(SurpriseCampaign.self, from: text, body: body, unsignedKeys: ["seed"])
        var problems = campaign.problems()
        var dryRun = false
        switch body["dry_run"] {
        case .bool(let value)?: dryRun = value
        case nil, .null?: break
        default: problems.append(FieldError(pointer: "/dry_run", detail: "must be true or false"))
        }
        if !problems.isEmpty { throw ValidationFailure(problems) }
        let (outcome, isReplay) = try await store.runSurprise(
            campaign, dryRun: dryRun, actor: context.actorID, at: store.clock.now)
        context.auditNotes.add([campaign.campaignID])
        return try JSONBody.response(outcome, status: dryRun || isReplay ? .ok : .created)
    }

    @Sendable func report(_ request: Request, context: PatronRequestContext) async throws -> Response {
        try context.require(.reportsRead)
        return try JSONBody.response(RewardsReportResource(report: try await store.rewardsReport()))
    }
}

private struct RedemptionPage: Encodable {
    let redemptions: [RedemptionResource]
    let nextCursor: String?

    private enum CodingKeys: String, CodingKey {
        case redemptions
        case nextCursor = "next_cursor"
    }
}
