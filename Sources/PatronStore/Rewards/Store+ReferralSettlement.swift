import PatronCore
import SQLKit

/// What a settlement run did: referrals rewarded, and every reward it could not issue, with the reasons.
public struct ReferralSettlementRun: Sendable, Hashable {
    public var rewarded: Int
    public var skipped: [GrantSkip]

    public init(rewarded: Int = 0, skipped: [GrantSkip] = []) {
        self.rewarded = rewarded
        self.skipped = skipped
    }
}

extension Store {
    /// In the order's transaction: a referred member's order of at least the minimum starts the wait for
    /// the return window. One primary-key update guarded by the referral's status, a no-op for members
    /// nobody referred, so the hot path of ingestion reads nothing more.
    func noteReferralOrder(_ order: Order, program: LoyaltyProgram, in database: any SQLDatabase) async throws {
        guard
            let start = ReferralQualification(
                order: order, program: program.referral, returnWindowDays: program.returnWindowDays)
        else { return }
        try await database.raw(
            """
            UPDATE referrals SET status = \(bind: start.to.rawValue), order_id = \(bind: start.orderID),
                due_at = \(bind: start.dueAt.millisecondsSinceEpoch)
            WHERE referee_id = \(bind: start.refereeID) AND status = \(bind: start.from.rawValue)
            """
        ).run()
    }

    /// In a refund's transaction: ``ReferralLink/afterRefund(ofOrder:at:)`` decides, by the refund's own
    /// time `refundedAt`, whether the refunded order stops qualifying; a later order may then qualify.
    func noteReferralRefund(
        orderID: String, memberID: String, refundedAt: Timestamp, in database: any SQLDatabase
    ) async throws {
        guard let link = try await Self.referralLink(refereeID: memberID, in: database),
            let changed = link.afterRefund(ofOrder: orderID, at: refundedAt)
        else { return }
        try await database.raw(
            """
            UPDATE referrals SET status = \(bind: changed.status.rawValue), order_id = NULL, due_at = NULL
            WHERE referee_id = \(bind: memberID) AND status = \(bind: link.status.rawValue)
              AND order_id = \(bind: orderID)
            """
        ).run()
    }

    /// Rewards both members of every referral whose qualifying order outlived its return window by
    /// `instant`, which is also the time of the rewards. Each referral is settled in its own transaction;
    /// running twice changes nothing. A reward that cannot be issued is skipped (the points are still
    /// given) and listed in the answer, for the caller to report.
    public func settleReferrals(asOf instant: Timestamp) async throws -> ReferralSettlementRun {
        var run = ReferralSettlementRun()
        var after: (dueAt: Int64, refereeID: String)?
        while true {
            let cursor = after
            let batch = try await database.read { database in
                // Keyset paging: a referral left unsettled is passed, not read again.
                let next: SQLQueryString =
                    cursor.map {
                        """
                        AND (due_at > \(bind: $0.dueAt) OR (due_at = \(bind: $0.dueAt) AND referee_id > \(bind: $0.refereeID)))
                        """
                    } ?? ""
                return try await database.raw(
                    """
                    SELECT referee_id, due_at FROM referrals
                    WHERE status = \(bind: ReferralStatus.qualifying.rawValue)
                      AND due_at <= \(bind: instant.millisecondsSinceEpoch) \(next)
                    ORDER BY due_at, referee_id LIMIT 500
                    """
                ).all().map { row in
                    let dueAt = try row.decode(column: "due_at", as: Int64.self)
                    return (dueAt: dueAt, refereeID: try row.decode(column: "referee_id", as: String.self))
                }
            }
            guard let last = batch.last else { return run }
            after = last
            for candidate in batch {
                guard let skipped = try await settleReferral(refereeID: candidate.refereeID, asOf: instant) else {
                    continue
                }
                run.rewarded += 1
                run.skipped += skipped
            }
        }
    }

    /// Settles one referral when it is due: nil when it is not (any more), else the rewards skipped.
    private func settleReferral(refereeID: String, asOf instant: Timestamp) async throws -> [GrantSkip]? {
        let store = self
        return try await database.write { database in
            let now = instant.millisecondsSinceEpoch
            let (_, program) = try await store.programs.current(in: database)
            guard let link = try await Self.referralLink(refereeID: refereeID, in: database), link.isDue(at: instant)
            else { return nil }
            // Balances before the referral row, as an order or a refund of the referee takes them.
            try await store.lockBalances(of: [link.referrerID, refereeID], at: now, in: database)
            guard
                try await database.raw(
                    """
                    UPDATE referrals SET status = \(bind: ReferralStatus.rewarded.rawValue), rewarded_at = \(bind: now)
                    WHERE referee_id = \(bind: refereeID) AND status = \(bind: link.status.rawValue)
                    RETURNING referrer_id
                    """
                ).first() != nil
            else { return nil }
            try await Outbox.emit(
                .referralRewarded, memberID: link.referrerID,
                data: ["referee_id": .string(refereeID), "referrer_id": .string(link.referrerID)], at: now,
                in: database)
            var skipped: [GrantSkip] = []
            for grant in program.referral.grants(settling: link) {
                let outcome = try await store.grant(
                    grant.grant, to: grant.memberID, source: .referral, campaignID: grant.campaignID,
                    reason: grant.reason, rewardIsOptional: true, at: now, in: database)
                if let skip = outcome.skipped { skipped.append(skip) }
            }
            return skipped
        }
    }
}
