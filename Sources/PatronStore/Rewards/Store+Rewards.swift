import Foundation
import PatronCore
import SQLKit

/// A reward as stored: its definition and how many were issued and not cancelled.
public struct StoredReward: Sendable, Hashable {
    public var reward: Reward
    public var issued: Int64
    public var createdAt: Timestamp
    public var updatedAt: Timestamp

    /// Units left to issue; `nil` when the reward has no stock limit.
    public var stockLeft: Int64? { reward.stock.map { max(0, $0 - issued) } }
}

/// A reward and every reason one member cannot redeem it now (none when they can).
public struct RewardOffer: Sendable, Hashable {
    public var stored: StoredReward
    public var refusals: [RedemptionRefusal]
}

extension Store {
    /// Creates the reward, or replaces the definition of the one with this id. A new stock counts the units
    /// already issued, so lowering it never takes back coupons.
    public func saveReward(_ reward: Reward) async throws -> (reward: StoredReward, created: Bool) {
        let definition = try RewardRows.encode(reward)
        return try await database.write { database in
            let now = clock.milliseconds
            let existed = try await RewardRows.find(reward.rewardID, in: database) != nil
            try await database.raw(
                """
                INSERT INTO rewards (reward_id, definition, stock, issued, created_at, updated_at)
                VALUES (\(bind: reward.rewardID), \(bind: definition), \(bind: reward.stock), 0, \(bind: now),
                        \(bind: now))
                ON CONFLICT (reward_id) DO UPDATE SET definition = excluded.definition, stock = excluded.stock,
                    updated_at = excluded.updated_at
                """
            ).run()
            guard let stored = try await RewardRows.find(reward.rewardID, in: database) else {
                throw RewardError.rewardNotFound(rewardID: reward.rewardID)
            }
            return (stored, !existed)
        }
    }

    public func reward(id: String) async throws -> StoredReward? {
        try await database.read { try await RewardRows.find(id, in: $0) }
    }

    /// The whole catalog by id; with a member, each reward says why that member cannot redeem it now (or, `asGift`,
    /// be given it free).
    public func rewardOffers(
        memberID: String?, at instant: Timestamp, asGift: Bool = false
    ) async throws -> [RewardOffer] {
        let programs = self.programs
        return try await database.read { database in
            let rewards = try await database.raw(
                "SELECT reward_id, definition, issued, created_at, updated_at FROM rewards ORDER BY reward_id"
            ).all().map(RewardRows.stored)
            guard let memberID else { return rewards.map { RewardOffer(stored: $0, refusals: []) } }
            let (_, program) = try await programs.current(in: database)
            let member = try await RedeemerFacts.load(memberID: memberID, program: program, in: database)
            let today = program.utcOffset.date(of: instant)
            return rewards.map { stored in
                let state = member.state(for: stored, on: today)
                let reward = stored.reward
                let refusals =
                    asGift ? reward.giftRefusals(for: state, at: instant) : reward.refusals(for: state, at: instant)
                return RewardOffer(stored: stored, refusals: refusals)
            }
        }
    }
}

/// Reading and writing reward rows.
enum RewardRows {
    static func encode(_ reward: Reward) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(reward), as: UTF8.self)
    }

    static func find(
        _ rewardID: String, in database: any SQLDatabase
    ) async throws
        -> StoredReward?
    {
        try await database.raw(
            """
            SELECT reward_id, definition, issued, created_at, updated_at FROM rewards
            WHERE reward_id = \(bind: rewardID)
            """
        ).first().map(stored)
    }

    static func stored(_ row: any SQLRow) throws -> StoredReward {
        let text = try row.decode(column: "definition", as: String.self)
        return StoredReward(
            reward: try JSONDecoder().decode(Reward.self, from: Data(text.utf8)),
            issued: try row.decode(column: "issued", as: Int64.self),
            createdAt: Timestamp(millisecondsSinceEpoch: try row.decode(column: "created_at", as: Int64.self)),
            updatedAt: Timestamp(millisecondsSinceEpoch: try row.decode(column: "updated_at", as: Int64.self)))
    }
}

/// What the database knows about a member that decides which rewards they may redeem.
struct RedeemerFacts {
    var tierID: String
    var availablePoints: Int64
    /// Per reward: the local days of the member's redemptions that were not cancelled.
    var redemptionDays: [String: [Int]]

    static func load(
        memberID: String, program: LoyaltyProgram, rewardID: String? = nil, in database: any SQLDatabase
    ) async throws -> RedeemerFacts {
        guard try await database.raw("SELECT id FROM members WHERE id = \(bind: memberID)").first() != nil else {
            throw LedgerError.memberNotFound(memberID: memberID)
        }
        let tierID =
            try await TierRepository().standing(memberID: memberID, in: database)?.tierID ?? program.tiers.lowest.tierID
        let available =
            try await database.raw("SELECT available FROM point_balances WHERE member_id = \(bind: memberID)")
            .first()?.decode(column: "available", as: Int64.self) ?? 0
        let onlyReward: SQLQueryString = rewardID.map { "AND reward_id = \(bind: $0)" } ?? ""
        var days: [String: [Int]] = [:]
        for row in try await database.raw(
            """
            SELECT reward_id, local_day FROM redemptions
            WHERE member_id = \(bind: memberID) AND status <> 'cancelled' \(onlyReward)
            """
        ).all() {
            days[try row.decode(column: "reward_id", as: String.self), default: []].append(
                try row.decode(column: "local_day", as: Int.self))
        }
        return RedeemerFacts(tierID: tierID, availablePoints: available, redemptionDays: days)
    }

    func state(for stored: StoredReward, on today: CalendarDate) -> RedeemerState {
        let days = redemptionDays[stored.reward.rewardID] ?? []
        let periodStart = stored.reward.periodLimit.map { $0.period.start(of: today).daysSinceEpoch }
        return RedeemerState(
            tierID: tierID, availablePoints: availablePoints, redeemedEver: days.count,
            redeemedThisPeriod: periodStart.map { start in days.count { $0 >= start } } ?? 0,
            stockLeft: stored.stockLeft)
    }
}
