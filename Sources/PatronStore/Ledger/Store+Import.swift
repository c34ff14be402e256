import PatronCore
import SQLKit

/// One row of a bulk grant or opening-balance import.
public struct PointGrant: Sendable, Hashable {
    /// The row's line in its file, for the error report.
    public var line: Int
    public var externalID: String
    public var points: Int64
    public var reason: String
    /// Makes the row idempotent: importing the same grant twice grants it once.
    public var grantID: String
    public var expiresAt: Timestamp?

    public init(line: Int, externalID: String, points: Int64, reason: String, grantID: String, expiresAt: Timestamp?) {
        self.line = line
        self.externalID = externalID
        self.points = points
        self.reason = reason
        self.grantID = grantID
        self.expiresAt = expiresAt
    }
}

public enum GrantOutcome: Sendable, Hashable {
    case granted
    case duplicate
    case refused(String)
}

extension Store {
    /// Grants (or, for negative points, takes) points row by row, all rows of a batch in one transaction.
    /// Members unknown by external id are created. A row that cannot apply is reported and skipped; the
    /// others still apply.
    public func importGrants(_ grants: [PointGrant], actor: String?) async throws -> [GrantOutcome] {
        let store = self
        return try await database.write { database in
            let now = Clock.nowMilliseconds()
            let (_, program) = try await store.programs.current(in: database)
            var outcomes: [GrantOutcome] = []
            outcomes.reserveCapacity(grants.count)
            for grant in grants {
                let memberID = try await store.members.ensure(externalID: grant.externalID, at: now, in: database).id
                let claimed = try await database.raw(
                    """
                    INSERT INTO idempotent_requests (request_key, request_fingerprint, result, created_at)
                    VALUES (\(bind: "import:\(grant.grantID)"), \(bind: "\(grant.externalID)|\(grant.points)"),
                            'imported', \(bind: now))
                    ON CONFLICT (request_key) DO NOTHING RETURNING request_key
                    """
                ).first()
                guard claimed != nil else {
                    outcomes.append(.duplicate)
                    continue
                }
                var balance = try await store.ledger.lockBalance(memberID: memberID, at: now, in: database)
                if grant.points > 0 {
                    let expiry =
                        grant.expiresAt
                        ?? program.expiry.expiry(
                            ofPointsEarnedAt: Timestamp(millisecondsSinceEpoch: now), offset: program.utcOffset)
                    _ = try await store.ledger.addLot(
                        memberID: memberID, points: grant.points, source: "import", sourceID: grant.grantID,
                        kind: .adjust, reason: grant.reason, actor: actor, earnedAt: now, availableAt: now,
                        expiresAt: expiry?.millisecondsSinceEpoch, balance: &balance, at: now, in: database)
                } else {
                    let lots = try await store.ledger.activeLots(memberID: memberID, in: database)
                    guard balance.available >= -grant.points, PointLots.spend(-grant.points, from: lots) != nil else {
                        // Give the key back so a corrected file can apply this row later.
                        try await database.raw(
                            "DELETE FROM idempotent_requests WHERE request_key = \(bind: "import:\(grant.grantID)")"
                        ).run()
                        outcomes.append(.refused("only \(max(0, balance.available)) points available"))
                        continue
                    }
                    _ = try await store.ledger.spend(
                        memberID: memberID, points: -grant.points, kind: .adjust, reason: grant.reason, actor: actor,
                        reference: grant.grantID, balance: &balance, at: now, in: database)
                }
                try await store.ledger.saveBalance(balance, memberID: memberID, at: now, in: database)
                outcomes.append(.granted)
            }
            return outcomes
        }
    }
}
