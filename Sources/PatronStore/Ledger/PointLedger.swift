import PatronCore
import SQLKit

/// Writes the points ledger inside a caller's transaction. Every operation on a member's points starts with
/// ``lockBalance(memberID:at:in:)``, which serialises them per member on PostgreSQL (SQLite has one writer).
struct PointLedger: Sendable {
    let engine: DatabaseEngine

    /// The member's balance, created at zero when missing, locked until the transaction ends.
    /// `memberIsKnown` skips the existence check when the caller has just resolved the member.
    /// Locks the member's balance for a change. An erased member's balance is closed: only the books' own work
    /// (expiry, release, refunds of earlier orders) may change it, `allowingErased`; anything new is refused.
    /// Erasure closes it under the same lock, so a change racing an erasure lands before it or is refused.
    func lockBalance(
        memberID: String, memberIsKnown: Bool = false, allowingErased: Bool = false, at now: Int64,
        in database: any SQLDatabase
    ) async throws -> PointBalance {
        if !memberIsKnown {
            guard try await database.raw("SELECT id FROM members WHERE id = \(bind: memberID)").first() != nil else {
                throw LedgerError.memberNotFound(memberID: memberID)
            }
        }
        // One statement: the upsert's conflict update takes the row lock on PostgreSQL (like FOR UPDATE).
        guard
            let row = try await database.raw(
                """
                INSERT INTO point_balances (member_id, available, pending, lifetime_earned, debt, updated_at)
                VALUES (\(bind: memberID), 0, 0, 0, 0, \(bind: now))
                ON CONFLICT (member_id) DO UPDATE SET updated_at = point_balances.updated_at
                RETURNING available, pending, lifetime_earned, debt, closed_at
                """
            ).first()
        else { throw LedgerError.memberNotFound(memberID: memberID) }
        if !allowingErased, try row.decodeNil(column: "closed_at") == false {
            throw MemberError.erased(memberID: memberID)
        }
        return try Self.balance(row)
    }

    func saveBalance(
        _ balance: PointBalance, memberID: String, at now: Int64, in database: any SQLDatabase
    ) async throws {
        try await database.raw(
            """
            UPDATE point_balances SET available = \(bind: balance.available), pending = \(bind: balance.pending),
                lifetime_earned = \(bind: balance.lifetimeEarned), debt = \(bind: balance.debt), updated_at = \(bind: now)
            WHERE member_id = \(bind: memberID)
            """
        ).run()
    }

    static func balance(_ row: any SQLRow) throws -> PointBalance {
        PointBalance(
            available: try row.decode(column: "available", as: Int64.self),
            pending: try row.decode(column: "pending", as: Int64.self),
            lifetimeEarned: try row.decode(column: "lifetime_earned", as: Int64.self),
            debt: try row.decode(column: "debt", as: Int64.self))
    }

    /// Appends a journal entry with its lot allocations (signed changes to each lot's `remaining`).
    @discardableResult
    func appendEntry(
        memberID: String, kind: PointEntryKind, points: Int64, reason: String, actor: String?, reference: String?,
        allocations: [LotDraw], at now: Int64, in database: any SQLDatabase
    ) async throws -> Int64 {
        guard
            let row = try await database.raw(
                """
                INSERT INTO point_entries (member_id, kind, points, reason, actor, reference, created_at)
                VALUES (\(bind: memberID), \(bind: kind.rawValue), \(bind: points), \(bind: reason), \(bind: actor),
                        \(bind: reference), \(bind: now))
                RETURNING entry_id
                """
            ).first()
        else { throw LedgerError.memberNotFound(memberID: memberID) }
        let entryID = try row.decode(column: "entry_id", as: Int64.self)
        if let type = WebhookEventType(entryKind: kind) {
            try await Outbox.emit(
                type, memberID: memberID,
                data: [
                    "entry_id": JSONValue(entryID), "kind": .string(kind.rawValue), "points": JSONValue(points),
                    "reason": .string(reason), "reference": JSONValue(reference),
                ], at: now, in: database)
        }
        guard !allocations.isEmpty else { return entryID }
        var insert = database.insert(into: "point_allocations").columns("entry_id", "lot_id", "points")
        for allocation in allocations {
            insert = insert.values(SQLBind(entryID), SQLBind(allocation.lotID), SQLBind(allocation.points))
        }
        try await insert.run()
        return entryID
    }

    /// Adds a lot of `points` and its `earn`/`adjust` entry. A lot available at once first repays any debt.
    func addLot(
        memberID: String, points: Int64, source: String, sourceID: String?, kind: PointEntryKind, reason: String,
        actor: String?, earnedAt: Int64, availableAt: Int64, expiresAt: Int64?, balance: inout PointBalance,
        at now: Int64, in database: any SQLDatabase
    ) async throws -> String {
        let lotID = Identifier.make(prefix: "lot", milliseconds: now)
        let isPending = availableAt > now
        try await database.raw(
            """
            INSERT INTO point_lots (lot_id, member_id, source, source_id, points, remaining, status, earned_at,
                                    available_at, expires_at, created_at)
            VALUES (\(bind: lotID), \(bind: memberID), \(bind: source), \(bind: sourceID), \(bind: points),
                    \(bind: points), \(bind: (isPending ? LotStatus.pending : .active).rawValue), \(bind: earnedAt), \(bind: availableAt),
                    \(bind: expiresAt), \(bind: now))
            """
        ).run()
        try await appendEntry(
            memberID: memberID, kind: kind, points: points, reason: reason, actor: actor, reference: sourceID,
            allocations: [LotDraw(lotID: lotID, points: points)], at: now, in: database)
        let repaid = balance.credit(points, pending: isPending)
        try await settleDebt(repaid, lotID: lotID, memberID: memberID, at: now, in: database)
        return lotID
    }

    /// Takes the points a lot repaid debt with (``PointBalance/credit(_:pending:)``) out of it and journals it.
    func settleDebt(
        _ repaid: Int64, lotID: String, memberID: String, at now: Int64, in database: any SQLDatabase
    ) async throws {
        guard repaid > 0 else { return }
        try await take([LotDraw(lotID: lotID, points: repaid)], emptiedStatus: .spent, in: database)
        try await journalSettlement(repaid, lotID: lotID, memberID: memberID, at: now, in: database)
    }

    /// The `settle` entry of a lot that repaid debt: no points move, the allocation shows which lot paid.
    func journalSettlement(
        _ repaid: Int64, lotID: String, memberID: String, at now: Int64, in database: any SQLDatabase
    ) async throws {
        try await appendEntry(
            memberID: memberID, kind: .settle, points: 0, reason: "repays \(repaid) points owed", actor: nil,
            reference: nil, allocations: [LotDraw(lotID: lotID, points: -repaid)], at: now, in: database)
    }

    /// The member's spendable lots.
    func activeLots(memberID: String, in database: any SQLDatabase) async throws -> [LotBalance] {
        try await database.raw(
            """
            SELECT lot_id, remaining, expires_at, earned_at FROM point_lots
            WHERE member_id = \(bind: memberID) AND status = 'active' AND remaining > 0
            """
        ).all().map(Self.lot)
    }

    static func lot(_ row: any SQLRow) throws -> LotBalance {
        LotBalance(
            lotID: try row.decode(column: "lot_id", as: String.self),
            remaining: try row.decode(column: "remaining", as: Int64.self),
            expiresAt: try row.decode(column: "expires_at", as: Int64?.self).map {
                Timestamp(millisecondsSinceEpoch: $0)
            },
            earnedAt: Timestamp(millisecondsSinceEpoch: try row.decode(column: "earned_at", as: Int64.self)))
    }

    /// A lot row's `status` column.
    static func status(_ row: any SQLRow) throws -> LotStatus {
        let raw = try row.decode(column: "status", as: String.self)
        guard let status = LotStatus(rawValue: raw) else {
            throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "unknown lot status \(raw)"))
        }
        return status
    }

    /// Lowers lots' `remaining`; a lot that reaches zero takes `emptiedStatus`.
    func take(_ draws: [LotDraw], emptiedStatus: LotStatus, in database: any SQLDatabase) async throws {
        for draw in draws where draw.points > 0 {
            try await database.raw(
                """
                UPDATE point_lots SET remaining = remaining - \(bind: draw.points),
                    status = CASE WHEN remaining - \(bind: draw.points) = 0 THEN \(bind: emptiedStatus.rawValue) ELSE status END
                WHERE lot_id = \(bind: draw.lotID)
                """
            ).run()
        }
    }

    /// Spends exactly `points` from the member's active lots, soonest-expiring first.
    func spend(
        memberID: String, points: Int64, kind: PointEntryKind, reason: String, actor: String?, reference: String?,
        balance: inout PointBalance, at now: Int64, in database: any SQLDatabase
    ) async throws -> [LotDraw] {
        let lots = try await activeLots(memberID: memberID, in: database)
        guard balance.available >= points, let draws = PointLots.spend(points, from: lots) else {
            throw LedgerError.insufficientPoints(available: max(0, balance.available), requested: points)
        }
        try await take(draws, emptiedStatus: .spent, in: database)
        try await appendEntry(
            memberID: memberID, kind: kind, points: -points, reason: reason, actor: actor, reference: reference,
            allocations: draws.map { LotDraw(lotID: $0.lotID, points: -$0.points) }, at: now, in: database)
        balance.available -= points
        return draws
    }
}
