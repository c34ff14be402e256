import Foundation
import PatronCore
import SQLKit

extension Store {
    /// Picks the campaign's members and, unless `dryRun`, gives each the grant, all in one transaction.
    /// Running the same campaign again answers the first outcome; a different request under the same
    /// campaign id is refused.
    public func runSurprise(
        _ campaign: SurpriseCampaign, dryRun: Bool, actor: String?, at instant: Timestamp
    ) async throws -> (result: SurpriseOutcome, isReplay: Bool) {
        let store = self
        let pick = { @Sendable () async throws -> SurpriseOutcome in
            let candidates = try await store.surpriseCandidates(campaign.filter, at: instant)
            return SurpriseOutcome(
                campaignID: campaign.campaignID, eligible: candidates.count,
                selected: SeededSelection.choose(campaign.count, from: candidates, seed: campaign.seed),
                dryRun: dryRun)
        }
        if dryRun { return (try await pick(), false) }
        if let rewardID = campaign.grant.rewardID, try await reward(id: rewardID) == nil {
            throw RewardError.rewardNotFound(rewardID: rewardID)
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let fingerprint = String(decoding: try encoder.encode(campaign), as: UTF8.self)
        let outcome = try await pick()
        return try await IdempotentRequests.perform(
            key: "surprise:\(campaign.campaignID)", fingerprint: fingerprint, database: database
        ) { database in
            let now = instant.millisecondsSinceEpoch
            try await store.lockBalances(of: outcome.selected, at: now, in: database)
            // Short stock refuses the whole campaign up front, saying how many it needs and how many are left.
            if let rewardID = campaign.grant.rewardID, let stored = try await RewardRows.find(rewardID, in: database),
                let refusal = stored.reward.stockRefusal(
                    forGrantsTo: outcome.selected.count, stockLeft: stored.stockLeft)
            {
                throw RewardError.notRedeemable(rewardID: rewardID, refusals: [refusal])
            }
            for memberID in outcome.selected {
                try await store.grant(
                    campaign.grant, to: memberID, source: .surprise, campaignID: campaign.campaignID,
                    reason: campaign.reason ?? "surprise from campaign \(campaign.campaignID)", at: now, in: database)
            }
            try await database.raw(
                """
                INSERT INTO surprise_campaigns (campaign_id, definition, eligible, given, actor, run_at)
                VALUES (\(bind: campaign.campaignID), \(bind: fingerprint), \(bind: Int64(outcome.eligible)),
                        \(bind: Int64(outcome.selected.count)), \(bind: actor), \(bind: now))
                """
            ).run()
            return outcome
        }
    }

    /// Gives one member a reward free of points on a person's word (`actor`), once per `grantID`: sending the same
    /// grant again changes nothing and answers false; the same `grantID` with another reward throws
    /// `LedgerError.keyReused`. The reward must be offered and in stock; the member's tier does not restrict a gift.
    public func giveReward(
        _ rewardID: String, to memberID: String, grantID: String, actor: String?, at instant: Timestamp
    ) async throws -> Bool {
        guard try await reward(id: rewardID) != nil else { throw RewardError.rewardNotFound(rewardID: rewardID) }
        let store = self
        return try await database.write { database in
            let now = instant.millisecondsSinceEpoch
            guard try await database.raw("SELECT id FROM members WHERE id = \(bind: memberID)").first() != nil else {
                throw MemberError.notFound(memberID: memberID)
            }
            try await store.lockBalances(of: [memberID], at: now, in: database)
            let campaignID = "goodwill:\(grantID)"
            let granted = try await store.grant(
                GrantedReward(rewardID: rewardID), to: memberID, source: .goodwill, campaignID: campaignID,
                reason: "goodwill", actor: actor, at: now, in: database
            ).granted
            if !granted {
                let given = try await database.raw(
                    """
                    SELECT r.reward_id FROM campaign_grants g JOIN redemptions r ON r.redemption_id = g.redemption_id
                    WHERE g.campaign_id = \(bind: campaignID) AND g.member_id = \(bind: memberID)
                    """
                ).first()?.decode(column: "reward_id", as: String.self)
                guard given == rewardID else { throw LedgerError.keyReused(key: campaignID) }
            }
            return granted
        }
    }

    /// Active members matching the filter, by id.
    func surpriseCandidates(_ filter: SurpriseFilter, at instant: Timestamp) async throws -> [String] {
        var segmentMembers: Set<String>?
        if let segmentID = filter.segmentID {
            let segment: SavedSegment
            do {
                segment = try await self.segment(id: segmentID)
            } catch SegmentError.notFound {
                throw ValidationFailure(pointer: "/filter/segment_id", detail: "no segment has id '\(segmentID)'")
            }
            segmentMembers = Set(try await self.segmentMembers(segment.definition.rule, at: instant).memberIDs)
        }
        let candidates = try await filteredCandidates(filter, at: instant)
        return segmentMembers.map { members in candidates.filter(members.contains) } ?? candidates
    }

    /// Active members matching the filter's own conditions, by id.
    private func filteredCandidates(_ filter: SurpriseFilter, at instant: Timestamp) async throws -> [String] {
        let programs = self.programs
        let members = self.members
        return try await database.read { database in
            let (_, program) = try await programs.current(in: database)
            var conditions: [SQLQueryString] = ["m.status = 'active'"]
            if let tiers = filter.tiers, !tiers.isEmpty {
                conditions.append(
                    """
                    COALESCE(t.tier_id, \(bind: program.tiers.lowest.tierID)) IN (\(SQLList(tiers.map { SQLBind($0) })))
                    """)
            }
            if let days = filter.lastOrderWithinDays {
                let since = instant.millisecondsSinceEpoch - Int64(days) * 86_400_000
                conditions.append(
                    "EXISTS (SELECT 1 FROM orders o WHERE o.member_id = m.id AND o.occurred_at >= \(bind: since))")
            }
            let wantsBirthday = filter.birthdayThisMonth == true
            if wantsBirthday { conditions.append("m.birthday_ciphertext IS NOT NULL") }
            let rows = try await database.raw(
                """
                SELECT m.id, m.birthday_ciphertext, k.wrapped_key FROM members m
                LEFT JOIN member_tiers t ON t.member_id = m.id LEFT JOIN member_keys k ON k.member_id = m.id
                WHERE \(SQLList(conditions, separator: SQLRaw(" AND "))) ORDER BY m.id
                """
            ).all()
            let month = program.utcOffset.date(of: instant).month
            return try rows.compactMap { row in
                if wantsBirthday {
                    let sealed = try row.decode(column: "birthday_ciphertext", as: String.self)
                    let opener = try members.opener(wrapped: try row.decode(column: "wrapped_key", as: String?.self))
                    guard let birthday = CalendarDate(iso: try opener.open(sealed)), birthday.month == month else {
                        return nil
                    }
                }
                return try row.decode(column: "id", as: String.self)
            }
        }
    }

    /// Gives each member whose birthday month it is (in the program's time zone) the program's birthday
    /// reward, once a year. Returns how many were given one now; running again the same year gives none.
    public func grantBirthdayRewards(asOf instant: Timestamp) async throws -> Int {
        let programs = self.programs
        let (_, program) = try await database.read { try await programs.current(in: $0) }
        guard let reward = program.birthdayReward else { return 0 }
        let campaignID = "birthday-\(program.utcOffset.date(of: instant).year)"
        let already = Set(
            try await database.read { database in
                try await database.raw("SELECT member_id FROM campaign_grants WHERE campaign_id = \(bind: campaignID)")
                    .all().map { try $0.decode(column: "member_id", as: String.self) }
            })
        let due = try await surpriseCandidates(SurpriseFilter(birthdayThisMonth: true), at: instant)
            .filter { !already.contains($0) }
        let store = self
        var granted = 0
        for batch in due.chunks(of: 100) {
            granted += try await database.write { database in
                let now = instant.millisecondsSinceEpoch
                try await store.lockBalances(of: Array(batch), at: now, in: database)
                var count = 0
                for memberID in batch
                where try await store.grant(
                    reward, to: memberID, source: .birthday, campaignID: campaignID, reason: "birthday reward",
                    at: now, in: database
                ).granted {
                    count += 1
                }
                return count
            }
        }
        return granted
    }

    /// Locks several members' balances in id order before a transaction touches a reward's row: every
    /// transaction then takes balances before rewards, and balances in one order, so none can deadlock.
    func lockBalances(of memberIDs: [String], at now: Int64, in database: any SQLDatabase) async throws {
        for memberID in Set(memberIDs).sorted() {
            _ = try await ledger.lockBalance(memberID: memberID, at: now, in: database)
        }
    }

    /// What a gift of points and/or a reward did for one member.
    struct GiftOutcome {
        /// False when the member already had this campaign's grant: nothing was changed.
        var granted: Bool
        /// The reward that could not be issued, when it was optional.
        var skipped: GrantSkip?
        /// The reward issued, with its coupon.
        var redemption: Redemption?
    }

    /// Gives points and/or a free reward inside the caller's transaction, recorded once per member and
    /// campaign. A granted reward is a gift: the member's tier does not restrict it (see
    /// ``Reward/giftRefusals(for:at:)``). One that still cannot be issued (not offered, out of stock, the
    /// member's limit) is skipped and returned when `rewardIsOptional`, else refuses the grant.
    @discardableResult
    func grant(
        _ grant: GrantedReward, to memberID: String, source: RedemptionSource, campaignID: String, reason: String,
        rewardIsOptional: Bool = false, actor: String? = nil, at now: Int64, in database: any SQLDatabase
    ) async throws -> GiftOutcome {
        let claimed = try await database.raw(
            """
            INSERT INTO campaign_grants (campaign_id, member_id, points, granted_at)
            VALUES (\(bind: campaignID), \(bind: memberID), \(bind: grant.points ?? 0), \(bind: now))
            ON CONFLICT DO NOTHING RETURNING member_id
            """
        ).first()
        guard claimed != nil else { return GiftOutcome(granted: false) }
        if let points = grant.points, points > 0 {
            let (_, program) = try await programs.current(in: database)
            var balance = try await ledger.lockBalance(memberID: memberID, at: now, in: database)
            let expiry = program.expiry.expiry(
                ofPointsEarnedAt: Timestamp(millisecondsSinceEpoch: now), offset: program.utcOffset)
            _ = try await ledger.addLot(
                memberID: memberID, points: points, source: source.rawValue, sourceID: campaignID, kind: .earn,
                reason: reason, actor: actor, earnedAt: now, availableAt: now,
                expiresAt: expiry?.millisecondsSinceEpoch, balance: &balance, at: now, in: database)
            try await ledger.saveBalance(balance, memberID: memberID, at: now, in: database)
        }
        guard let rewardID = grant.rewardID else { return GiftOutcome(granted: true) }
        do {
            let issued = try await issueReward(
                rewardID, to: memberID, as: .gift, source: source, campaignID: campaignID, actor: actor, at: now,
                in: database)
            try await database.raw(
                """
                UPDATE campaign_grants SET redemption_id = \(bind: issued.redemption.redemptionID)
                WHERE campaign_id = \(bind: campaignID) AND member_id = \(bind: memberID)
                """
            ).run()
            return GiftOutcome(granted: true, redemption: issued.redemption)
        } catch RewardError.notRedeemable(_, let refusals) where rewardIsOptional {
            // Refused before anything was written, so the transaction goes on with the points alone.
            return GiftOutcome(
                granted: true,
                skipped: GrantSkip(memberID: memberID, rewardID: rewardID, campaignID: campaignID, refusals: refusals))
        } catch RewardError.rewardNotFound where rewardIsOptional {
            let skip = GrantSkip(
                memberID: memberID, rewardID: rewardID, campaignID: campaignID, refusals: [.unknownReward])
            return GiftOutcome(granted: true, skipped: skip)
        }
    }
}
