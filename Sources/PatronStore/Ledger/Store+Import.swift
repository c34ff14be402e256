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

/// What became of one row of an import.
public enum ImportOutcome: Sendable, Hashable {
    case applied
    /// The row was imported before: nothing changed.
    case duplicate
    case refused(String)
}

extension Store {
    /// Rows written by one multi-row statement: well under both engines' limits on bound values.
    static let grantsPerStatement = 1_000

    /// Grants (or, for negative points, takes) points in file order, all rows of a batch in one transaction.
    /// Members unknown by external id are created. A row that cannot apply is reported and skipped; the
    /// others still apply. Runs of positive grants are written set-wise, a handful of statements per run;
    /// negative rows need the member's lots and go one at a time, in file order.
    public func importGrants(_ grants: [PointGrant], actor: String?) async throws -> [ImportOutcome] {
        let store = self
        return try await database.write { database in
            let now = clock.milliseconds
            let (_, program) = try await store.programs.current(in: database)
            let importer = GrantImporter(store: store, program: program, actor: actor, now: now, database: database)
            var outcomes: [ImportOutcome] = []
            outcomes.reserveCapacity(grants.count)
            var start = grants.startIndex
            while start < grants.endIndex {
                guard grants[start].points > 0 else {
                    outcomes.append(try await importer.take(grants[start]))
                    start += 1
                    continue
                }
                var end = start
                while end < grants.endIndex, grants[end].points > 0, end - start < Self.grantsPerStatement {
                    end += 1
                }
                outcomes += try await importer.grant(grants[start..<end])
                start = end
            }
            return outcomes
        }
    }
}

/// A lot made by an imported grant; `repaid` of its points went to debt the member owed.
private struct ImportedLot {
    let grant: PointGrant
    let memberID: String
    let lotID: String
    let expiresAt: Int64?
    let repaid: Int64
}

/// Writes imported rows inside one transaction.
private struct GrantImporter {
    let store: Store
    let program: LoyaltyProgram
    let actor: String?
    let now: Int64
    let database: any SQLDatabase

    static func requestKey(_ grant: PointGrant) -> String { "import:\(grant.grantID)" }

    /// Positive grants, set-wise: members, idempotency keys, balances, lots, entries and allocations each
    /// take one statement. A lot first repays any debt its member owes, as earnings do.
    func grant(_ grants: ArraySlice<PointGrant>) async throws -> [ImportOutcome] {
        let memberIDs = try await store.members.ensureAll(
            externalIDs: Set(grants.map(\.externalID)), at: now, in: database)
        // A grant id repeated within the run applies once, at its first row.
        var seen: Set<String> = []
        let firsts = grants.map { seen.insert($0.grantID).inserted }
        let claimed = try await claim(grants.indices.filter { firsts[$0 - grants.startIndex] }.map { grants[$0] })
        let applies = zip(grants, firsts).map { $1 && claimed.contains($0.grantID) }
        let granted = zip(grants, applies).filter(\.1).map(\.0)
        guard !granted.isEmpty else { return grants.map { _ in .duplicate } }

        func memberID(_ grant: PointGrant) throws -> String {
            guard let id = memberIDs[grant.externalID] else { throw MemberError.notFound(memberID: grant.externalID) }
            return id
        }
        var balances = try await lockBalances(Set(try granted.map(memberID)))
        let programExpiry = program.expiry.expiry(
            ofPointsEarnedAt: Timestamp(millisecondsSinceEpoch: now), offset: program.utcOffset)
        var lots: [ImportedLot] = []
        for grant in granted {
            let id = try memberID(grant)
            var balance = balances[id] ?? .zero
            let repaid = balance.credit(grant.points, pending: false)
            balances[id] = balance
            lots.append(
                ImportedLot(
                    grant: grant, memberID: id, lotID: Identifier.make(prefix: "lot", milliseconds: now),
                    expiresAt: (grant.expiresAt ?? programExpiry)?.millisecondsSinceEpoch, repaid: repaid))
        }

        var insertLots = database.insert(into: "point_lots").columns(
            "lot_id", "member_id", "source", "source_id", "points", "remaining", "status", "earned_at",
            "available_at", "expires_at", "created_at")
        var insertEntries = database.insert(into: "point_entries").columns(
            "member_id", "kind", "points", "reason", "actor", "reference", "created_at")
        for lot in lots {
            let remaining = lot.grant.points - lot.repaid
            insertLots = insertLots.values(
                SQLBind(lot.lotID), SQLBind(lot.memberID), SQLBind("import"), SQLBind(lot.grant.grantID),
                SQLBind(lot.grant.points), SQLBind(remaining),
                SQLBind((remaining == 0 ? LotStatus.spent : .active).rawValue),
                SQLBind(now), SQLBind(now), SQLBind(lot.expiresAt), SQLBind(now))
            insertEntries = insertEntries.values(
                SQLBind(lot.memberID), SQLBind(PointEntryKind.adjust.rawValue), SQLBind(lot.grant.points),
                SQLBind(lot.grant.reason), SQLBind(actor), SQLBind(lot.grant.grantID), SQLBind(now))
        }
        try await insertLots.run()
        // Claimed grant ids are unique, so each entry is found again by its reference.
        var entryIDs: [String: Int64] = [:]
        for row in try await insertEntries.returning("entry_id", "reference").all() {
            entryIDs[try row.decode(column: "reference", as: String.self)] = try row.decode(
                column: "entry_id", as: Int64.self)
        }
        var insertAllocations = database.insert(into: "point_allocations").columns("entry_id", "lot_id", "points")
        for lot in lots {
            guard let entryID = entryIDs[lot.grant.grantID] else {
                throw MemberError.notFound(memberID: lot.grant.externalID)
            }
            insertAllocations = insertAllocations.values(
                SQLBind(entryID), SQLBind(lot.lotID), SQLBind(lot.grant.points))
        }
        try await insertAllocations.run()
        for lot in lots where lot.repaid > 0 {
            try await store.ledger.journalSettlement(
                lot.repaid, lotID: lot.lotID, memberID: lot.memberID, at: now, in: database)
        }
        try await saveBalances(balances)
        return applies.map { $0 ? .applied : .duplicate }
    }

    /// Claims the grants' idempotency keys; answers the grant ids that were not claimed before.
    func claim(_ grants: [PointGrant]) async throws -> Set<String> {
        var insert = database.insert(into: "idempotent_requests").columns(
            "request_key", "request_fingerprint", "result", "created_at")
        for grant in grants.sorted(by: { $0.grantID < $1.grantID }) {
            insert = insert.values(
                SQLBind(Self.requestKey(grant)), SQLBind("\(grant.externalID)|\(grant.points)"), SQLBind("imported"),
                SQLBind(now))
        }
        let rows = try await insert.ignoringConflicts(with: "request_key").returning("request_key").all()
        return Set(
            try rows.map { String(try $0.decode(column: "request_key", as: String.self).dropFirst("import:".count)) })
    }

    /// The members' balances, created at zero when missing, locked until the transaction ends (in sorted
    /// order, so concurrent writers cannot deadlock).
    func lockBalances(_ memberIDs: Set<String>) async throws -> [String: PointBalance] {
        var insert = database.insert(into: "point_balances").columns(
            "member_id", "available", "pending", "lifetime_earned", "debt", "updated_at")
        for memberID in memberIDs.sorted() {
            insert = insert.values(SQLBind(memberID), SQLBind(0), SQLBind(0), SQLBind(0), SQLBind(0), SQLBind(now))
        }
        let rows = try await insert.onConflict(with: "member_id") { $0.set(excludedValueOf: "updated_at") }
            .returning("member_id", "available", "pending", "lifetime_earned", "debt").all()
        var balances: [String: PointBalance] = [:]
        for row in rows {
            balances[try row.decode(column: "member_id", as: String.self)] = try PointLedger.balance(row)
        }
        return balances
    }

    func saveBalances(_ balances: [String: PointBalance]) async throws {
        var upsert = database.insert(into: "point_balances").columns(
            "member_id", "available", "pending", "lifetime_earned", "debt", "updated_at")
        for (memberID, balance) in balances.sorted(by: { $0.key < $1.key }) {
            upsert = upsert.values(
                SQLBind(memberID), SQLBind(balance.available), SQLBind(balance.pending),
                SQLBind(balance.lifetimeEarned), SQLBind(balance.debt), SQLBind(now))
        }
        try await upsert.onConflict(with: "member_id") {
            $0.set(excludedValueOf: "available").set(excludedValueOf: "pending")
                .set(excludedValueOf: "lifetime_earned").set(excludedValueOf: "debt")
                .set(excludedValueOf: "updated_at")
        }.run()
    }

    /// A negative row: takes points from the member's soonest-expiring lots, or refuses when they are short.
    func take(_ grant: PointGrant) async throws -> ImportOutcome {
        let memberID = try await store.members.ensure(externalID: grant.externalID, at: now, in: database).id
        guard try await claim([grant]).contains(grant.grantID) else { return .duplicate }
        var balance = try await store.ledger.lockBalance(memberID: memberID, at: now, in: database)
        let lots = try await store.ledger.activeLots(memberID: memberID, in: database)
        guard balance.available >= -grant.points, PointLots.spend(-grant.points, from: lots) != nil else {
            // Give the key back so a corrected file can apply this row later.
            try await database.raw(
                "DELETE FROM idempotent_requests WHERE request_key = \(bind: Self.requestKey(grant))"
            ).run()
            return .refused("only \(max(0, balance.available)) points available")
        }
        _ = try await store.ledger.spend(
            memberID: memberID, points: -grant.points, kind: .adjust, reason: grant.reason, actor: actor,
            reference: grant.grantID, balance: &balance, at: now, in: database)
        try await store.ledger.saveBalance(balance, memberID: memberID, at: now, in: database)
        return .applied
    }
}
