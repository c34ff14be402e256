import PatronCore
import SQLKit

/// A redemption and the member's balance right after it.
public struct RedemptionResult: Sendable, Hashable, Codable {
    public var redemption: Redemption
    public var balance: PointBalance
}

extension Store {
    /// Redeems a reward for points at `now`: the points and a unit of stock are taken and the coupon issued
    /// in one transaction. Idempotent on `idempotencyKey` (per member).
    public func redeem(
        memberID: String, rewardID: String, idempotencyKey: String, actor: String?, at now: Timestamp
    ) async throws -> (result: RedemptionResult, isReplay: Bool) {
        let store = self
        return try await IdempotentRequests.perform(
            key: "redeem:\(memberID):\(idempotencyKey)", fingerprint: rewardID, database: database
        ) { database in
            try await store.issueReward(
                rewardID, to: memberID, as: .purchase, source: .redemption, campaignID: nil, actor: actor,
                at: now.millisecondsSinceEpoch, in: database)
        }
    }

    /// How a reward is issued: bought at its price, or given free as a gift.
    enum Issue {
        case purchase
        case gift
    }

    /// Issues one unit of a reward inside the caller's transaction. Refused with every reason `Reward` gives
    /// before anything is written; stock is claimed by a conditional update, so the last unit goes to
    /// exactly one of simultaneous redeemers.
    func issueReward(
        _ rewardID: String, to memberID: String, as issue: Issue, source: RedemptionSource, campaignID: String?,
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
        let state = facts.state(for: stored, on: today)
        let refusals =
            switch issue {
            case .purchase: reward.refusals(for: state, at: instant)
            case .gift: reward.giftRefusals(for: state, at: instant)
            }
        guard refusals.isEmpty else { throw RewardError.notRedeemable(rewardID: rewardID, refusals: refusals) }
        let claimed = try await database.raw(
            """
            UPDATE rewards SET issued = issued + 1
            WHERE reward_id = \(bind: rewardID) AND (stock IS NULL OR issued < stock) RETURNING issued
            """
        ).first()
        guard claimed != nil else { throw RewardError.notRedeemable(rewardID: rewardID, refusals: [.outOfStock]) }

        let redemptionID = Identifier.make(prefix: "rdm", milliseconds: now)
        let charged = issue == .purchase ? reward.costPoints : 0
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
                    \(bind: redemption.couponCode), \(bind: redemption.status.rawValue), \(bind: source.rawValue),
                    \(bind: campaignID), \(bind: today.daysSinceEpoch), \(bind: now),
                    \(bind: redemption.expiresAt?.millisecondsSinceEpoch))
            """
        ).run()
        try await Outbox.emit(
            .rewardRedeemed, memberID: memberID,
            data: [
                "redemption_id": .string(redemptionID), "reward_id": .string(rewardID),
                "kind": .string(reward.kind.rawValue), "points": JSONValue(charged), "source": .string(source.rawValue),
                "campaign_id": JSONValue(campaignID),
                "expires_at": redemption.expiresAt.map { JSONValue(milliseconds: $0.millisecondsSinceEpoch) } ?? .null,
            ], at: now, in: database)
        return RedemptionResult(redemption: redemption, balance: balance)
    }

    /// Cancels an issued, unused, unexpired coupon at `now`: the unit goes back to stock and the points to
    /// the lots they were paid from, as ``CouponCancellation`` sorts them. Cancelling twice is answered with
    /// the same result.
    public func cancelRedemption(
        memberID: String, redemptionID: String, actor: String?, at instant: Timestamp
    ) async throws -> RedemptionResult {
        let ledger = self.ledger
        return try await database.write { database in
            let now = instant.millisecondsSinceEpoch
            var balance = try await ledger.lockBalance(memberID: memberID, at: now, in: database)
            guard var redemption = try await RedemptionRows.find(id: redemptionID, in: database),
                redemption.memberID == memberID
            else { throw RewardError.redemptionNotFound(redemptionID: redemptionID) }
            let paid = try await database.raw(
                """
                SELECT a.lot_id, CAST(-SUM(a.points) AS BIGINT) AS points, l.status, l.expires_at FROM point_entries e
                JOIN point_allocations a ON a.entry_id = e.entry_id
                JOIN point_lots l ON l.lot_id = a.lot_id
                WHERE e.member_id = \(bind: memberID) AND e.kind = 'spend' AND e.reference = \(bind: redemptionID)
                GROUP BY a.lot_id, l.status, l.expires_at ORDER BY a.lot_id
                """
            ).all().map { row in
                PaidDraw(
                    lotID: try row.decode(column: "lot_id", as: String.self),
                    points: try row.decode(column: "points", as: Int64.self),
                    lotStatus: try PointLedger.status(row),
                    lotExpiresAt: try row.decode(column: "expires_at", as: Int64?.self).map {
                        Timestamp(millisecondsSinceEpoch: $0)
                    })
            }
            guard case .cancel(let plan) = try redemption.cancellation(paidFrom: paid, at: instant) else {
                return RedemptionResult(redemption: redemption, balance: balance)
            }
            try await database.raw(
                """
                UPDATE redemptions SET status = \(bind: CouponState.cancelled.rawValue), cancelled_at = \(bind: now)
                WHERE redemption_id = \(bind: redemptionID)
                """
            ).run()
            try await database.raw(
                "UPDATE rewards SET issued = issued - 1 WHERE reward_id = \(bind: redemption.rewardID)"
            ).run()
            try await Self.apply(
                plan, memberID: memberID, redemption: redemption, actor: actor, balance: &balance, ledger: ledger,
                at: now, in: database)
            redemption.status = .cancelled
            redemption.cancelledAt = instant
            return RedemptionResult(redemption: redemption, balance: balance)
        }
    }

    /// Writes a cancellation: every point paid comes back in one `restore` entry; those of expired lots then
    /// leave in an `expire` entry and those of lots a refund took back in a `reverse` entry, so each lot's
    /// allocations still add up to what remains of it.
    private static func apply(
        _ plan: CouponCancellation, memberID: String, redemption: Redemption, actor: String?,
        balance: inout PointBalance, ledger: PointLedger, at now: Int64, in database: any SQLDatabase
    ) async throws {
        for draw in plan.restored {
            try await database.raw(
                """
                UPDATE point_lots SET remaining = remaining + \(bind: draw.points),
                    status = \(bind: LotStatus.active.rawValue)
                WHERE lot_id = \(bind: draw.lotID)
                """
            ).run()
        }
        let all = plan.restored + plan.expired + plan.reversed
        guard !all.isEmpty else { return }
        let reason = "cancelled redemption of \(redemption.rewardID)"
        try await ledger.appendEntry(
            memberID: memberID, kind: .restore, points: all.reduce(0) { $0 + $1.points }, reason: reason,
            actor: actor, reference: redemption.redemptionID, allocations: all, at: now, in: database)
        let leaving: [(kind: PointEntryKind, draws: [LotDraw], why: String)] = [
            (.expire, plan.expired, "the lot it was paid from has expired"),
            (.reverse, plan.reversed, "the lot it was paid from was taken back by a refund"),
        ]
        for (kind, draws, why) in leaving where !draws.isEmpty {
            try await ledger.appendEntry(
                memberID: memberID, kind: kind, points: -draws.reduce(0) { $0 + $1.points },
                reason: "\(reason); \(why)", actor: actor, reference: redemption.redemptionID,
                allocations: draws.map { LotDraw(lotID: $0.lotID, points: -$0.points) }, at: now, in: database)
        }
        if plan.restoredPoints > 0 {
            balance.available += plan.restoredPoints
            try await ledger.saveBalance(balance, memberID: memberID, at: now, in: database)
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
            source: RedemptionSource(rawValue: try row.decode(column: "source", as: String.self)) ?? .redemption,
            campaignID: try row.decode(column: "campaign_id", as: String?.self),
            issuedAt: Timestamp(millisecondsSinceEpoch: try row.decode(column: "issued_at", as: Int64.self)),
            expiresAt: try instant("expires_at"),
            usedOrderID: try row.decode(column: "used_order_id", as: String?.self),
            usedAt: try instant("used_at"), cancelledAt: try instant("cancelled_at"))
    }
}
