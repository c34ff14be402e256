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
    /// Evaluates `rule` over every member at `instant`, as one statement (`SegmentQuery`); conditions SQL cannot
    /// compute are found first: RFM segment, lifecycle stage and P(alive) by scoring the customer base, attributes
    /// by reading the profiles that have any.
    public func segmentMembers(_ rule: SegmentRule, at instant: Timestamp) async throws -> SegmentMembers {
        let (_, program) = try await self.program()
        var precomputed: [SegmentCondition: [String]] = [:]
        var standings: [MemberStanding]?
        for condition in rule.conditions {
            switch condition {
            case .rfmSegment, .lifecycleStage, .probabilityAlive:
                if standings == nil { standings = try await self.standings(at: instant, program: program) }
                precomputed[condition] = (standings ?? []).filter { Self.holds(condition, $0) }.map(\.memberID)
            case .attribute(let key, let values):
                precomputed[condition] = try await attributeHolders(key: key, values: values)
            default:
                break
            }
        }
        var query = SegmentQuery(
            now: instant.millisecondsSinceEpoch, program: program, isPostgres: database.engine == .postgres,
            precomputed: precomputed)
        let statement = query.statement(rule)
        let memberIDs: [String]
        if let postgres = database as? PostgresBackend {
            memberIDs = try await postgres.memberIDs(statement)
        } else {
            memberIDs = try await database.read { database in
                try await database.raw(statement).all().map { try $0.decode(column: "member_id", as: String.self) }
            }
        }
        let universe = try await database.read { database in
            try await database.raw("SELECT COUNT(*) AS members FROM members WHERE erased_at IS NULL").first()?
                .decode(column: "members", as: Int.self) ?? 0
        }
        return SegmentMembers(memberIDs: memberIDs, universe: universe, evaluatedAt: instant)
    }

    /// Every customer's standing today: RFM segment, lifecycle stage, P(alive). One pass over the orders gives
    /// every member's totals, from which the base's scales are made and each member scored.
    private func standings(at instant: Timestamp, program: LoyaltyProgram) async throws -> [MemberStanding] {
        let day = program.utcOffset.date(of: instant)
        let (totals, currency) = try await memberPurchaseTotals(through: day, firstDaySpend: false)
        var columns = MemberTotalsColumns()
        for member in totals { columns.append(member) }
        let base = await CustomerBase(
            columns: columns, referenceDate: day, currency: currency, fit: try await latestModelFit(),
            thresholds: LifecycleThresholds())
        return totals.map(base.standing)
    }

    private static func holds(_ condition: SegmentCondition, _ standing: MemberStanding) -> Bool {
        switch condition {
        case .rfmSegment(let segments): segments.contains(standing.segment.rawValue)
        case .lifecycleStage(let stages): stages.contains(standing.stage.rawValue)
        case .probabilityAlive(let range): standing.probabilityAlive.map(range.contains) ?? false
        default: false
        }
    }

    /// The members whose profile attribute `key` is one of `values`, as text.
    private func attributeHolders(key: String, values: Set<String>) async throws -> [String] {
        try await database.read { database in
            var holders: [String] = []
            for row in try await database.raw(
                "SELECT id, attributes FROM members WHERE erased_at IS NULL AND attributes <> '{}'"
            ).all() {
                let text = try row.decode(column: "attributes", as: String.self)
                let attributes = try? JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
                if let value = attributes?[key].flatMap(Self.attributeText), values.contains(value) {
                    holders.append(try row.decode(column: "id", as: String.self))
                }
            }
            return holders
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
