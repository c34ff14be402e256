import PatronCore
import SQLKit

/// A reward issued to a member: redeemed for points, or granted by a campaign, a birthday or a referral.
public struct Redemption: Sendable, Hashable, Codable {
    public var redemptionID: String
    public var memberID: String
    public var rewardID: String
    public var kind: RewardKind
    /// Points charged; zero for a granted reward.
    public var points: Int64
    public var couponCode: String?
    /// The stored status; ``state(at:)`` adds expiry.
    public var status: CouponState
    /// `redemption`, `surprise`, `birthday` or `referral`.
    public var source: String
    public var campaignID: String?
    public var issuedAt: Timestamp
    public var expiresAt: Timestamp?
    public var usedOrderID: String?
    public var usedAt: Timestamp?
    public var cancelledAt: Timestamp?

    public func state(at instant: Timestamp) -> CouponState {
        if status == .issued, let expiresAt, instant >= expiresAt { return .expired }
        return status
    }

    enum CodingKeys: String, CodingKey {
        case redemptionID = "redemption_id"
        case memberID = "member_id"
        case rewardID = "reward_id"
        case kind, points
        case couponCode = "coupon_code"
        case status, source
        case campaignID = "campaign_id"
        case issuedAt = "issued_at"
        case expiresAt = "expires_at"
        case usedOrderID = "used_order_id"
        case usedAt = "used_at"
        case cancelledAt = "cancelled_at"
    }

    /// Absent values are written as `null`, so every redemption has the same fields.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(redemptionID, forKey: .redemptionID)
        try container.encode(memberID, forKey: .memberID)
        try container.encode(rewardID, forKey: .rewardID)
        try container.encode(kind, forKey: .kind)
        try container.encode(points, forKey: .points)
        try container.encode(couponCode, forKey: .couponCode)
        try container.encode(status, forKey: .status)
        try container.encode(source, forKey: .source)
        try container.encode(campaignID, forKey: .campaignID)
        try container.encode(issuedAt, forKey: .issuedAt)
        try container.encode(expiresAt, forKey: .expiresAt)
        try container.encode(usedOrderID, forKey: .usedOrderID)
        try container.encode(usedAt, forKey: .usedAt)
        try container.encode(cancelledAt, forKey: .cancelledAt)
    }
}

/// A redemption and the member's balance right after it.
public struct RedemptionResult: Sendable, Hashable, Codable {
    public var redemption: Redemption
    public var balance: PointBalance
}

/// Whether a coupon can be used now, and on an order of a given total.
public struct CouponCheck: Sendable, Hashable {
    public var redemption: Redemption
    public var reward: Reward
    public var state: CouponState
    /// The discount on the order total given, when the coupon can be used on it.
    public var discountMinor: Int64?
    /// Why the coupon cannot be used; empty when it can.
    public var problems: [String]
}

extension Store {
    /// Redeems a reward for points: the points and a unit of stock are taken and the coupon issued in one
    /// transaction. Idempotent on `idempotencyKey` (per member).
    public func redeem(
        memberID: String, rewardID: String, idempotencyKey: String, actor: String?
    ) async throws -> (result: RedemptionResult, isReplay: Bool) {
        let store = self
        return try await IdempotentRequests.perform(
            key: "redeem:\(memberID):\(idempotencyKey)", fingerprint: rewardID, database: database
        ) { database in
            try await store.issueReward(
                rewardID, to: memberID, charging: nil, source: "redemption", campaignID: nil, actor: actor,
                at: Clock.nowMilliseconds(), in: database)
        }
    }

    /// Issues one unit of a reward inside the caller's transaction, charging `cost` points (the reward's
    /// price when nil). Refused with every reason that applies; stock is claimed by a conditional update,
    /// so the last unit goes to exactly one of simultaneous redeemers.
    func issueReward(
        _ rewardID: String, to memberID: String, charging cost: Int64?, source: String, campaignID: String?,
        actor: String?, at now: Int64, in database: any SQLDatabase
    ) async throws -> RedemptionResult {
        let (_, program) = try await programs.current(in: database)
        // The member's lock comes first: their simultaneous redemptions see each other's counts and spends.
        var balance = try await ledger.lockBalance(memberID: memberID, at: now, in: database)
        guard let stored = try await RewardRows.find(rewardID, in: database) else {
            throw RewardError.rewardNotFound(rewardID: rewardID)
        }
        let reward = stored.reward
        let instant = Timestamp(millisecondsSinceEpoch: now)
        let today = program.utcOffset.date(of: instant)
        let facts = try await RedeemerFacts.load(memberID: memberID, program: program, rewardID: rewardID, in: database)
        let refusals = reward.refusals(for: facts.state(for: stored, on: today), at: instant, charging: cost)
        guard refusals.isEmpty else { throw RewardError.notRedeemable(rewardID: rewardID, refusals: refusals) }
        let claimed = try await database.raw(
            """
            UPDATE rewards SET issued = issued + 1
            WHERE reward_id = \(bind: rewardID) AND (stock IS NULL OR issued < stock) RETURNING issued
            """
        ).first()
        guard claimed != nil else { throw RewardError.notRedeemable(rewardID: rewardID, refusals: [.outOfStock]) }

        let redemptionID = Identifier.make(prefix: "rdm", milliseconds: now)
        let charged = cost ?? reward.costPoints
        if charged > 0 {
            _ = try await ledger.spend(
                memberID: memberID, points: charged, kind: .spend, reason: "redeemed \(rewardID)", actor: actor,
                reference: redemptionID, balance: &balance, at: now, in: database)
            try await ledger.saveBalance(balance, memberID: memberID, at: now, in: database)
        }
        let redemption = Redemption(
            redemptionID: redemptionID, memberID: memberID, rewardID: rewardID, kind: reward.kind, points: charged,
            couponCode: reward.issuesCoupon ? CouponCode.make() : nil,
            status: reward.issuesCoupon ? .issued : .donated, source: source, campaignID: campaignID,
            issuedAt: instant,
            expiresAt: reward.issuesCoupon
                ? Timestamp(millisecondsSinceEpoch: now + Int64(reward.validDays) * 86_400_000) : nil)
        try await database.raw(
            """
            INSERT INTO redemptions (redemption_id, member_id, reward_id, kind, points, coupon_code, status, source,
                                     campaign_id, local_day, issued_at, expires_at)
            VALUES (\(bind: redemptionID), \(bind: memberID), \(bind: rewardID), \(bind: reward.kind.rawValue),
                    \(bind: charged),
                    \(bind: redemption.couponCode), \(bind: redemption.status.rawValue), \(bind: source),
                    \(bind: campaignID), \(bind: today.daysSinceEpoch), \(bind: now),
                    \(bind: redemption.expiresAt?.millisecondsSinceEpoch))
            """
        ).run()
        return RedemptionResult(redemption: redemption, balance: balance)
    }

    /// Cancels an issued, unused, unexpired coupon: the unit goes back to stock and the points to the lots
    /// they were paid from. Points whose lots expired in the meantime stay expired. Cancelling twice is
    /// answered with the same result.
    public func cancelRedemption(
        memberID: String, redemptionID: String, actor: String?
    ) async throws -> RedemptionResult {
        let ledger = self.ledger
        return try await database.write { database in
            let now = Clock.nowMilliseconds()
            var balance = try await ledger.lockBalance(memberID: memberID, at: now, in: database)
            guard var redemption = try await RedemptionRows.find(id: redemptionID, in: database),
                redemption.memberID == memberID
            else { throw RewardError.redemptionNotFound(redemptionID: redemptionID) }
            let state = redemption.state(at: Timestamp(millisecondsSinceEpoch: now))
            if state == .cancelled { return RedemptionResult(redemption: redemption, balance: balance) }
            guard state == .issued else {
                throw RewardError.notCancellable(redemptionID: redemptionID, state: state)
            }
            try await database.raw(
                """
                UPDATE redemptions SET status = 'cancelled', cancelled_at = \(bind: now)
                WHERE redemption_id = \(bind: redemptionID)
                """
            ).run()
            try await database.raw(
                "UPDATE rewards SET issued = issued - 1 WHERE reward_id = \(bind: redemption.rewardID)"
            ).run()
            let paid = try await database.raw(
                """
                SELECT a.lot_id, -a.points AS points, l.expires_at FROM point_entries e
                JOIN point_allocations a ON a.entry_id = e.entry_id
                JOIN point_lots l ON l.lot_id = a.lot_id
                WHERE e.member_id = \(bind: memberID) AND e.kind = 'spend' AND e.reference = \(bind: redemptionID)
                  AND l.status IN ('active', 'spent')
                ORDER BY a.lot_id
                """
            ).all()
            var restored: [LotDraw] = []
            for row in paid {
                let expiresAt = try row.decode(column: "expires_at", as: Int64?.self)
                guard expiresAt.map({ $0 > now }) ?? true else { continue }
                restored.append(
                    LotDraw(
                        lotID: try row.decode(column: "lot_id", as: String.self),
                        points: try row.decode(column: "points", as: Int64.self)))
            }
            for draw in restored {
                try await database.raw(
                    """
                    UPDATE point_lots SET remaining = remaining + \(bind: draw.points), status = 'active'
                    WHERE lot_id = \(bind: draw.lotID)
                    """
                ).run()
            }
            let points = restored.reduce(0) { $0 + $1.points }
            if points > 0 {
                try await ledger.appendEntry(
                    memberID: memberID, kind: .restore, points: points,
                    reason: "cancelled redemption of \(redemption.rewardID)", actor: actor, reference: redemptionID,
                    allocations: restored, at: now, in: database)
                balance.available += points
                try await ledger.saveBalance(balance, memberID: memberID, at: now, in: database)
            }
            redemption.status = .cancelled
            redemption.cancelledAt = Timestamp(millisecondsSinceEpoch: now)
            return RedemptionResult(redemption: redemption, balance: balance)
        }
    }

    /// A member's redemptions, newest first.
    public func redemptions(memberID: String, after cursor: String?, limit: Int) async throws -> Page<Redemption> {
        try await database.read { database in
            let before: SQLQueryString = cursor.map { "AND redemption_id < \(bind: $0)" } ?? ""
            let found = try await database.raw(
                """
                SELECT \(unsafeRaw: RedemptionRows.columns) FROM redemptions
                WHERE member_id = \(bind: memberID) \(before)
                ORDER BY redemption_id DESC LIMIT \(unsafeRaw: String(limit + 1))
                """
            ).all().map(RedemptionRows.redemption)
            let page = Array(found.prefix(limit))
            return Page(items: page, nextCursor: found.count > limit ? page.last?.redemptionID : nil)
        }
    }

    /// Whether the coupon can be used now, on an order of `orderTotalMinor` when given.
    public func checkCoupon(code: String, orderTotalMinor: Int64?) async throws -> CouponCheck {
        guard let normalised = CouponCode.normalise(code) else { throw RewardError.couponNotFound(code: code) }
        return try await database.read { database in
            guard let redemption = try await RedemptionRows.find(couponCode: normalised, in: database),
                let stored = try await RewardRows.find(redemption.rewardID, in: database)
            else { throw RewardError.couponNotFound(code: code) }
            let state = redemption.state(at: Timestamp(millisecondsSinceEpoch: Clock.nowMilliseconds()))
            var problems: [String] = []
            if state != .issued { problems.append("the coupon is \(state.rawValue)") }
            var discount: Int64?
            if let orderTotalMinor {
                discount = stored.reward.discount(onOrderOf: orderTotalMinor)
                if discount == nil, let minimum = stored.reward.minSpendMinor {
                    problems.append("the order total is below the minimum spend of \(minimum)")
                }
            }
            return CouponCheck(
                redemption: redemption, reward: stored.reward, state: state,
                discountMinor: problems.isEmpty ? discount : nil, problems: problems)
        }
    }

    /// Marks the coupon used on `orderID`. Using it again on the same order answers the same; on another
    /// order is refused. A cashback coupon credits its points here. The minimum spend is checked against
    /// `orderTotalMinor`, or the recorded order's total.
    public func useCoupon(
        code: String, orderID: String, orderTotalMinor: Int64?, actor: String?
    ) async throws -> (result: Redemption, isReplay: Bool) {
        guard let normalised = CouponCode.normalise(code) else { throw RewardError.couponNotFound(code: code) }
        let ledger = self.ledger
        let programs = self.programs
        return try await database.write { database in
            let now = Clock.nowMilliseconds()
            guard let found = try await RedemptionRows.find(couponCode: normalised, in: database) else {
                throw RewardError.couponNotFound(code: code)
            }
            // Same lock order as redeeming and cancelling: the member's balance, then the coupon.
            var balance = try await ledger.lockBalance(memberID: found.memberID, at: now, in: database)
            guard var redemption = try await RedemptionRows.find(couponCode: normalised, in: database),
                let stored = try await RewardRows.find(redemption.rewardID, in: database)
            else { throw RewardError.couponNotFound(code: code) }
            if redemption.status == .used {
                guard redemption.usedOrderID == orderID else {
                    throw RewardError.couponUsedOnAnotherOrder(code: normalised, orderID: redemption.usedOrderID ?? "")
                }
                return (redemption, true)
            }
            let state = redemption.state(at: Timestamp(millisecondsSinceEpoch: now))
            guard state == .issued else { throw RewardError.couponNotUsable(code: normalised, state: state) }
            let reward = stored.reward
            if let minimum = reward.minSpendMinor, minimum > 0 {
                let recorded = try await database.raw(
                    "SELECT total_minor FROM orders WHERE order_id = \(bind: orderID)"
                ).first()?.decode(column: "total_minor", as: Int64.self)
                guard let total = orderTotalMinor ?? recorded, total >= minimum else {
                    throw RewardError.belowMinimumSpend(code: normalised, minimumMinor: minimum)
                }
            }
            try await database.raw(
                """
                UPDATE redemptions SET status = 'used', used_order_id = \(bind: orderID), used_at = \(bind: now)
                WHERE redemption_id = \(bind: redemption.redemptionID)
                """
            ).run()
            if reward.kind == .cashbackPoints, let points = reward.cashbackPoints, points > 0 {
                let (_, program) = try await programs.current(in: database)
                let expiry = program.expiry.expiry(
                    ofPointsEarnedAt: Timestamp(millisecondsSinceEpoch: now), offset: program.utcOffset)
                _ = try await ledger.addLot(
                    memberID: redemption.memberID, points: points, source: "cashback", sourceID: normalised,
                    kind: .earn, reason: "cashback from \(reward.rewardID) on order \(orderID)", actor: actor,
                    earnedAt: now, availableAt: now, expiresAt: expiry?.millisecondsSinceEpoch, balance: &balance,
                    at: now, in: database)
                try await ledger.saveBalance(balance, memberID: redemption.memberID, at: now, in: database)
            }
            redemption.status = .used
            redemption.usedOrderID = orderID
            redemption.usedAt = Timestamp(millisecondsSinceEpoch: now)
            return (redemption, false)
        }
    }
}

/// Reading redemption rows.
enum RedemptionRows {
    static let columns = """
        redemption_id, member_id, reward_id, kind, points, coupon_code, status, source, campaign_id, issued_at,
        expires_at, used_order_id, used_at, cancelled_at
        """

    static func find(id: String, in database: any SQLDatabase) async throws -> Redemption? {
        try await database.raw(
            """
            SELECT \(unsafeRaw: columns) FROM redemptions
            WHERE redemption_id = \(bind: id)
            """
        ).first().map(redemption)
    }

    static func find(couponCode: String, in database: any SQLDatabase) async throws -> Redemption? {
        try await database.raw(
            """
            SELECT \(unsafeRaw: columns) FROM redemptions
            WHERE coupon_code = \(bind: couponCode)
            """
        ).first().map(redemption)
    }

    static func redemption(_ row: any SQLRow) throws -> Redemption {
        func instant(_ column: String) throws -> Timestamp? {
            try row.decode(column: column, as: Int64?.self).map { Timestamp(millisecondsSinceEpoch: $0) }
        }
        return Redemption(
            redemptionID: try row.decode(column: "redemption_id", as: String.self),
            memberID: try row.decode(column: "member_id", as: String.self),
            rewardID: try row.decode(column: "reward_id", as: String.self),
            kind: RewardKind(rawValue: try row.decode(column: "kind", as: String.self)) ?? .discountCoupon,
            points: try row.decode(column: "points", as: Int64.self),
            couponCode: try row.decode(column: "coupon_code", as: String?.self),
            status: CouponState(rawValue: try row.decode(column: "status", as: String.self)) ?? .issued,
            source: try row.decode(column: "source", as: String.self),
            campaignID: try row.decode(column: "campaign_id", as: String?.self),
            issuedAt: Timestamp(millisecondsSinceEpoch: try row.decode(column: "issued_at", as: Int64.self)),
            expiresAt: try instant("expires_at"),
            usedOrderID: try row.decode(column: "used_order_id", as: String?.self),
            usedAt: try instant("used_at"), cancelledAt: try instant("cancelled_at"))
    }
}
