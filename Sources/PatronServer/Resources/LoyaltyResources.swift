import PatronCore
import PatronStore

/// `GET /v1/members/{member_id}/points`: the balance and a page of the journal.
struct PointsResource: Encodable {
    let memberID: String
    let summary: PointsSummary
    let entries: [PointEntryResource]
    let nextCursor: String?

    private enum CodingKeys: String, CodingKey {
        case memberID = "member_id"
        case available, pending, debt, lots, entries
        case lifetimeEarned = "lifetime_earned"
        case expiringSoon = "expiring_soon"
        case expiringSoonDays = "expiring_soon_days"
        case nextCursor = "next_cursor"
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(memberID, forKey: .memberID)
        try container.encode(summary.balance.available, forKey: .available)
        try container.encode(summary.balance.pending, forKey: .pending)
        try container.encode(summary.balance.lifetimeEarned, forKey: .lifetimeEarned)
        try container.encode(summary.balance.debt, forKey: .debt)
        try container.encode(summary.expiringSoon, forKey: .expiringSoon)
        try container.encode(summary.expiringSoonDays, forKey: .expiringSoonDays)
        try container.encode(summary.lots.map(OpenLotResource.init), forKey: .lots)
        try container.encode(entries, forKey: .entries)
        try container.encode(nextCursor, forKey: .nextCursor)
    }
}

struct OpenLotResource: Encodable {
    let lot: OpenLot

    private enum CodingKeys: String, CodingKey {
        case lotID = "lot_id"
        case source
        case sourceID = "source_id"
        case points, remaining, status
        case earnedAt = "earned_at"
        case availableAt = "available_at"
        case expiresAt = "expires_at"
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(lot.lotID, forKey: .lotID)
        try container.encode(lot.source, forKey: .source)
        try container.encode(lot.sourceID, forKey: .sourceID)
        try container.encode(lot.points, forKey: .points)
        try container.encode(lot.remaining, forKey: .remaining)
        try container.encode(lot.status.rawValue, forKey: .status)
        try container.encode(lot.earnedAt, forKey: .earnedAt)
        try container.encode(lot.availableAt, forKey: .availableAt)
        try container.encode(lot.expiresAt, forKey: .expiresAt)
    }
}

struct PointEntryResource: Encodable {
    let entry: PointEntry

    private enum CodingKeys: String, CodingKey {
        case entryID = "entry_id"
        case kind, points, reason, actor, reference
        case createdAt = "created_at"
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(String(entry.entryID), forKey: .entryID)
        try container.encode(entry.kind, forKey: .kind)
        try container.encode(entry.points, forKey: .points)
        try container.encode(entry.reason, forKey: .reason)
        try container.encode(entry.actor, forKey: .actor)
        try container.encode(entry.reference, forKey: .reference)
        try container.encode(entry.createdAt, forKey: .createdAt)
    }
}

/// `GET /v1/members/{member_id}/tier`.
struct TierResource: Encodable {
    let memberID: String
    let view: TierView

    private enum CodingKeys: String, CodingKey {
        case memberID = "member_id"
        case tier, since, basis, next, history
        case nextEvaluation = "next_evaluation"
        case graceUntil = "grace_until"
        case qualifyingValue = "qualifying_value"
    }

    private enum NextKeys: String, CodingKey {
        case tier, remaining
    }

    private enum HistoryKeys: String, CodingKey {
        case from, to, reason
        case changedAt = "changed_at"
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(memberID, forKey: .memberID)
        try container.encode(view.level, forKey: .tier)
        try container.encode(view.standing.since, forKey: .since)
        try container.encode(view.standing.nextEvaluation, forKey: .nextEvaluation)
        try container.encode(view.standing.graceUntil, forKey: .graceUntil)
        try container.encode(view.basis, forKey: .basis)
        try container.encode(view.qualifyingValue, forKey: .qualifyingValue)
        if let next = view.next {
            var nested = container.nestedContainer(keyedBy: NextKeys.self, forKey: .next)
            try nested.encode(next.next, forKey: .tier)
            try nested.encode(next.remaining, forKey: .remaining)
        } else {
            try container.encodeNil(forKey: .next)
        }
        var history = container.nestedUnkeyedContainer(forKey: .history)
        for change in view.history {
            var item = history.nestedContainer(keyedBy: HistoryKeys.self)
            try item.encode(change.from, forKey: .from)
            try item.encode(change.to, forKey: .to)
            try item.encode(change.reason, forKey: .reason)
            try item.encode(change.changedAt, forKey: .changedAt)
        }
    }
}

/// `GET /v1/reports/points-liability`.
struct LiabilityResource: Encodable {
    let liability: PointsLiability

    private enum CodingKeys: String, CodingKey {
        case available, pending, debt, members
        case outstanding
        case expiringByMonth = "expiring_by_month"
        case neverExpiring = "never_expiring"
    }

    private enum MonthKeys: String, CodingKey {
        case month, points
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(liability.available + liability.pending, forKey: .outstanding)
        try container.encode(liability.available, forKey: .available)
        try container.encode(liability.pending, forKey: .pending)
        try container.encode(liability.debt, forKey: .debt)
        try container.encode(liability.members, forKey: .members)
        try container.encode(liability.neverExpiring, forKey: .neverExpiring)
        var months = container.nestedUnkeyedContainer(forKey: .expiringByMonth)
        for (month, points) in liability.expiringByMonth {
            var item = months.nestedContainer(keyedBy: MonthKeys.self)
            try item.encode(month, forKey: .month)
            try item.encode(points, forKey: .points)
        }
    }
}

/// The `points` part of an order's answer.
struct OrderPointsResource: Encodable {
    let awards: [AwardRecord]

    private enum CodingKeys: String, CodingKey {
        case earned, pending, expired, awards
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(awards.reduce(0) { $0 + $1.points }, forKey: .earned)
        try container.encode(awards.filter(\.pending).reduce(0) { $0 + $1.points }, forKey: .pending)
        try container.encode(awards.filter(\.expired).reduce(0) { $0 + $1.points }, forKey: .expired)
        try container.encode(awards, forKey: .awards)
    }
}
