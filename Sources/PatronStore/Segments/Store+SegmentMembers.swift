import Foundation
import PatronAnalytics
import PatronCore
import SQLKit

/// The members of a segment at a moment: who they are, in id order.
public struct SegmentMembers: Sendable {
    /// The matching members' ids, sorted.
    public var memberIDs: [String]
    /// Members that could have matched: everyone not erased.
    public var universe: Int
    public var evaluatedAt: Timestamp
}

extension Store {
    /// Evaluates `rule` over every member at `instant`: one read per kind of fact the rule uses (each condition
    /// once however often it appears), then the sets combined as the rule says (`SegmentRule.members`).
    public func segmentMembers(_ rule: SegmentRule, at instant: Timestamp) async throws -> SegmentMembers {
        let now = instant.millisecondsSinceEpoch
        let (_, program) = try await self.program()
        let universe = try await segmentUniverse(program: program)
        var sets: [SegmentCondition: MemberSet] = [:]
        var standings: [String: MemberStanding]?
        for condition in rule.conditions {
            switch condition {
            case .rfmSegment, .lifecycleStage, .probabilityAlive:
                if standings == nil { standings = try await self.standingsByMember(at: instant) }
                sets[condition] = Self.members(universe, condition, standings: standings ?? [:])
            default:
                sets[condition] = try await members(universe, condition, at: now)
            }
        }
        let matched = rule.members(in: universe.count) { sets[$0] ?? .none(universe.count) }
        return SegmentMembers(
            memberIDs: matched.positions.map { universe.memberIDs[$0] }, universe: universe.count,
            evaluatedAt: instant)
    }

    private func members(
        _ universe: SegmentUniverse, _ condition: SegmentCondition, at now: Int64
    ) async throws -> MemberSet {
        let day: Int64 = 86_400_000
        @Sendable func since(_ days: Int?) -> SQLQueryString {
            days.map { " AND occurred_at >= \(bind: now - Int64($0) * day)" } ?? ""
        }
        let (_, program) = try await self.program()
        switch condition {
        case .tier(let tiers):
            return universe.members { tiers.contains(universe.tiers[$0]) }
        case .daysSinceJoined(let range):
            return universe.members { range.contains(Double((now - universe.joinedAt[$0]) / day)) }
        case .attribute(let key, let wanted):
            let holders = try await database.read { database in
                var holders: [String] = []
                for row in try await database.raw(
                    "SELECT id, attributes FROM members WHERE erased_at IS NULL AND attributes <> '{}'"
                ).all() {
                    let text = try row.decode(column: "attributes", as: String.self)
                    let attributes = try? JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
                    if let value = attributes?[key].flatMap(Self.attributeText), wanted.contains(value) {
                        holders.append(try row.decode(column: "id", as: String.self))
                    }
                }
                return holders
            }
            return universe.members(among: holders)
        case .pointsAvailable(let range):
            return universe.members(
                try await memberValues(
                    "SELECT member_id, CAST(available AS DOUBLE PRECISION) AS value FROM point_balances"),
                absent: 0, in: range)
        case .pointsExpiring(let days, let range):
            return universe.members(
                try await memberValues(
                    """
                    SELECT member_id, CAST(SUM(remaining) AS DOUBLE PRECISION) AS value FROM point_lots
                    WHERE status = 'active' AND remaining > 0 AND expires_at IS NOT NULL
                      AND expires_at <= \(bind: now + Int64(days) * day)
                    GROUP BY member_id
                    """), absent: 0, in: range)
        case .daysSinceLastOrder(let range):
            let last = try await memberValues(
                "SELECT member_id, CAST(MAX(occurred_at) AS DOUBLE PRECISION) AS value FROM orders GROUP BY member_id"
            )
            return universe.members(
                last.map { ($0.memberID, ((Double(now) - $0.value) / Double(day)).rounded(.down)) }, absent: nil,
                in: range)
        case .orders(let days, let range):
            return universe.members(
                try await memberValues(
                    """
                    SELECT member_id, CAST(COUNT(*) AS DOUBLE PRECISION) AS value FROM orders
                    WHERE 1 = 1\(since(days)) GROUP BY member_id
                    """), absent: 0, in: range)
        case .spend(let days, let range):
            return universe.members(
                try await memberValues(
                    """
                    SELECT member_id, CAST(SUM(total_minor) AS DOUBLE PRECISION) AS value FROM orders
                    WHERE currency = \(bind: program.currency.code)\(since(days)) GROUP BY member_id
                    """), absent: 0, in: range)
        case .boughtAt(let stores, let days):
            return universe.members(
                among: try await memberIDs(
                    """
                    SELECT DISTINCT member_id FROM orders
                    WHERE store_id IN (\(SQLList(stores.sorted().map { SQLBind($0) })))\(since(days))
                    """))
        case .boughtThrough(let channels, let days):
            return universe.members(
                among: try await memberIDs(
                    """
                    SELECT DISTINCT member_id FROM orders
                    WHERE channel IN (\(SQLList(channels.map(\.rawValue).sorted().map { SQLBind($0) })))\(since(days))
                    """))
        case .consent(let purpose, let channel):
            return universe.members(
                among: try await memberIDs(
                    """
                    SELECT member_id FROM member_consents
                    WHERE purpose = \(bind: purpose.rawValue) AND channel = \(bind: channel?.rawValue ?? "")
                      AND state = \(bind: ConsentState.granted.rawValue)
                    """))
        case .openTickets(let range):
            return universe.members(
                try await memberValues(
                    """
                    SELECT member_id, CAST(COUNT(*) AS DOUBLE PRECISION) AS value FROM tickets
                    WHERE member_id IS NOT NULL AND state IN ('open', 'pending') GROUP BY member_id
                    """), absent: 0, in: range)
        case .rfmSegment, .lifecycleStage, .probabilityAlive:
            return .none(universe.count)
        }
    }

    /// Every customer's standing today: RFM segment, lifecycle stage, P(alive). The base's scales, then every
    /// member's totals in one pass, each scored against them.
    private func standingsByMember(at instant: Timestamp) async throws -> [String: MemberStanding] {
        let (_, program) = try await self.program()
        let day = program.utcOffset.date(of: instant)
        let base = try await customerBase(referenceDate: day)
        var standings: [String: MemberStanding] = [:]
        for totals in try await memberPurchaseTotals(through: day, firstDaySpend: false).totals {
            standings[totals.memberID] = base.standing(of: totals)
        }
        return standings
    }

    /// Every member not erased, in byte order of id, with their tier and when they joined.
    private func segmentUniverse(program: LoyaltyProgram) async throws -> SegmentUniverse {
        var universe = SegmentUniverse()
        if let postgres = database as? PostgresBackend {
            let (ids, tiers, joined) = try await postgres.segmentUniverse()
            universe.reserve(ids.count)
            for index in ids.indices {
                universe.append(
                    memberID: ids[index],
                    tier: program.tiers.heldTierID(stored: tiers[index].isEmpty ? nil : tiers[index]),
                    joinedAt: joined[index])
            }
            return universe
        }
        return try await database.read { database in
            var universe = SegmentUniverse()
            for row in try await database.raw(
                "SELECT m.id, t.tier_id, m.joined_at FROM members m LEFT JOIN member_tiers t ON t.member_id = m.id "
                    + "WHERE m.erased_at IS NULL ORDER BY m.id"
            ).all() {
                universe.append(
                    memberID: try row.decode(column: "id", as: String.self),
                    tier: program.tiers.heldTierID(stored: try row.decode(column: "tier_id", as: String?.self)),
                    joinedAt: try row.decode(column: "joined_at", as: Int64.self))
            }
            return universe
        }
    }

    /// The `member_id` and `value` columns of a fact's query.
    private func memberValues(_ query: SQLQueryString) async throws -> [(memberID: String, value: Double)] {
        if let postgres = database as? PostgresBackend { return try await postgres.memberValues(query) }
        return try await database.read { database in
            try await database.raw(query).all().map {
                (try $0.decode(column: "member_id", as: String.self), try $0.decode(column: "value", as: Double.self))
            }
        }
    }

    /// The `member_id` column of a fact's query.
    private func memberIDs(_ query: SQLQueryString) async throws -> [String] {
        if let postgres = database as? PostgresBackend { return try await postgres.memberIDs(query) }
        return try await database.read { database in
            try await database.raw(query).all().map { try $0.decode(column: "member_id", as: String.self) }
        }
    }

    private static func members(
        _ universe: SegmentUniverse, _ condition: SegmentCondition, standings: [String: MemberStanding]
    ) -> MemberSet {
        universe.members { position in
            guard let standing = standings[universe.memberIDs[position]] else { return false }
            switch condition {
            case .rfmSegment(let segments): return segments.contains(standing.segment.rawValue)
            case .lifecycleStage(let stages): return stages.contains(standing.stage.rawValue)
            case .probabilityAlive(let range): return standing.probabilityAlive.map(range.contains) ?? false
            default: return false
            }
        }
    }

    /// An attribute's value as text, for comparing with a segment's values: strings as they are, numbers and
    /// booleans as JSON writes them; objects, arrays and null have none.
    private static func attributeText(_ value: JSONValue) -> String? {
        switch value {
        case .string(let text): text
        case .bool(let flag): flag ? "true" : "false"
        case .number(let number):
            number.rounded() == number && abs(number) < 9e15 ? String(Int64(number)) : String(number)
        case .null, .array, .object: nil
        }
    }
}
