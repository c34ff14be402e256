import PatronCore
import SQLKit

/// The answer to a spend or an adjustment, stored for idempotent retries.
public struct PointsMovement: Sendable, Hashable, Codable {
    public var memberID: String
    public var points: Int64
    public var reference: String?
    public var reason: String
    public var draws: [LotDraw]
    public var balance: PointBalance

    enum CodingKeys: String, CodingKey {
        case memberID = "member_id"
        case points, reference, reason, draws, balance
    }
}

/// A member's points as shown to them.
public struct PointsSummary: Sendable, Hashable {
    public var balance: PointBalance
    /// The lots that still hold points, pending or spendable, in the order they are spent.
    public var lots: [OpenLot]
    /// Spendable points whose lots expire within the program's `expiring_soon_days`.
    public var expiringSoon: Int64
    public var expiringSoonDays: Int
}

/// One line of the journal.
public struct PointEntry: Sendable, Hashable {
    public var entryID: Int64
    public var kind: String
    public var points: Int64
    public var reason: String
    public var actor: String?
    public var reference: String?
    public var createdAt: Timestamp
}

/// What one run of a ledger job did.
public struct LedgerJobRun: Sendable, Hashable {
    public var lots: Int
    public var points: Int64
    public var members: Int
}

/// Outstanding points: what the program owes its members.
public struct PointsLiability: Sendable, Hashable {
    public var available: Int64
    public var pending: Int64
    public var debt: Int64
    public var members: Int64
    /// Points in lots that will expire, by local month (`YYYY-MM`) of expiry, soonest first.
    public var expiringByMonth: [(month: String, points: Int64)]
    public var neverExpiring: Int64

    public static func == (lhs: PointsLiability, rhs: PointsLiability) -> Bool {
        lhs.available == rhs.available && lhs.pending == rhs.pending && lhs.debt == rhs.debt
            && lhs.members == rhs.members && lhs.neverExpiring == rhs.neverExpiring
            && lhs.expiringByMonth.map(\.month) == rhs.expiringByMonth.map(\.month)
            && lhs.expiringByMonth.map(\.points) == rhs.expiringByMonth.map(\.points)
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(available)
        hasher.combine(pending)
    }
}

extension Store {
    /// Spends points as payment. Idempotent on `idempotencyKey` (per member); refused when the balance is short.
    public func spendPoints(
        memberID: String, points: Int64, reference: String?, idempotencyKey: String, actor: String?
    ) async throws -> (result: PointsMovement, isReplay: Bool) {
        let ledger = self.ledger
        return try await IdempotentRequests.perform(
            key: "spend:\(memberID):\(idempotencyKey)", fingerprint: "\(points)|\(reference ?? "")",
            database: database
        ) { [clock] database in
            let now = clock.milliseconds
            var balance = try await ledger.lockBalance(memberID: memberID, at: now, in: database)
            let reason = reference.map { "spent as payment, \($0)" } ?? "spent as payment"
            let draws = try await ledger.spend(
                memberID: memberID, points: points, kind: .spend, reason: reason, actor: actor, reference: reference,
                balance: &balance, at: now, in: database)
            try await ledger.saveBalance(balance, memberID: memberID, at: now, in: database)
            return PointsMovement(
                memberID: memberID, points: -points, reference: reference, reason: reason, draws: draws,
                balance: balance)
        }
    }

    /// A manual correction by staff: positive points make a new lot (expiring by the program's policy),
    /// negative points are taken like a spend and never below zero. Idempotent on `idempotencyKey`.
    public func adjustPoints(
        memberID: String, points: Int64, reason: String, idempotencyKey: String, actor: String?,
        source: String = "adjustment", expiresAt: Timestamp? = nil
    ) async throws -> (result: PointsMovement, isReplay: Bool) {
        let ledger = self.ledger
        let programs = self.programs
        return try await IdempotentRequests.perform(
            key: "\(source):\(memberID):\(idempotencyKey)",
            fingerprint: "\(points)|\(reason)|\(expiresAt?.rfc3339 ?? "")",
            database: database
        ) { [clock] database in
            try await Self.adjust(
                memberID: memberID, points: points, reason: reason, reference: idempotencyKey, actor: actor,
                source: source, expiresAt: expiresAt, ledger: ledger, programs: programs, at: clock.milliseconds,
                in: database)
        }
    }

    static func adjust(
        memberID: String, points: Int64, reason: String, reference: String?, actor: String?, source: String,
        expiresAt: Timestamp?, ledger: PointLedger, programs: ProgramBook, at now: Int64, in database: any SQLDatabase
    ) async throws -> PointsMovement {
        let (_, program) = try await programs.current(in: database)
        var balance = try await ledger.lockBalance(memberID: memberID, at: now, in: database)
        var draws: [LotDraw] = []
        if points > 0 {
            let earned = Timestamp(millisecondsSinceEpoch: now)
            let expiry = expiresAt ?? program.expiry.expiry(ofPointsEarnedAt: earned, offset: program.utcOffset)
            let lotID = try await ledger.addLot(
                memberID: memberID, points: points, source: source, sourceID: reference, kind: .adjust,
                reason: reason, actor: actor, earnedAt: now, availableAt: now,
                expiresAt: expiry?.millisecondsSinceEpoch, balance: &balance, at: now, in: database)
            draws = [LotDraw(lotID: lotID, points: points)]
        } else if points < 0 {
            draws = try await ledger.spend(
                memberID: memberID, points: -points, kind: .adjust, reason: reason, actor: actor,
                reference: reference, balance: &balance, at: now, in: database)
        }
        try await ledger.saveBalance(balance, memberID: memberID, at: now, in: database)
        return PointsMovement(
            memberID: memberID, points: points, reference: reference, reason: reason, draws: draws, balance: balance)
    }

    /// The member's balance, or nil when there is no such member.
    public func pointsSummary(memberID: String, at instant: Timestamp) async throws -> PointsSummary? {
        let programs = self.programs
        return try await database.read { database in
            guard try await database.raw("SELECT id FROM members WHERE id = \(bind: memberID)").first() != nil else {
                return nil
            }
            let (_, program) = try await programs.current(in: database)
            let balance =
                try await database.raw(
                    "SELECT available, pending, lifetime_earned, debt FROM point_balances WHERE member_id = \(bind: memberID)"
                ).first().map(PointLedger.balance) ?? .zero
            let horizon = instant.millisecondsSinceEpoch + Int64(program.expiringSoonDays) * 86_400_000
            let expiring =
                try await database.raw(
                    """
                    SELECT CAST(COALESCE(SUM(remaining), 0) AS BIGINT) AS points FROM point_lots
                    WHERE member_id = \(bind: memberID) AND status = 'active' AND remaining > 0
                      AND expires_at IS NOT NULL AND expires_at <= \(bind: horizon)
                    """
                ).first()?.decode(column: "points", as: Int64.self) ?? 0
            let lots = try await database.raw(
                """
                SELECT lot_id, source, source_id, points, remaining, status, earned_at, available_at, expires_at
                FROM point_lots WHERE member_id = \(bind: memberID) AND status IN ('pending', 'active') AND remaining > 0
                ORDER BY CASE WHEN expires_at IS NULL THEN 1 ELSE 0 END, expires_at, earned_at, lot_id
                """
            ).all().map(OpenLot.init)
            return PointsSummary(
                balance: balance, lots: lots, expiringSoon: expiring, expiringSoonDays: program.expiringSoonDays)
        }
    }

    /// The member's journal, newest first.
    public func pointEntries(memberID: String, after cursor: String?, limit: Int) async throws -> Page<PointEntry> {
        let before = cursor.flatMap { Int64($0) } ?? .max
        let rows = try await database.read {
            try await $0.raw(
                """
                SELECT entry_id, kind, points, reason, actor, reference, created_at FROM point_entries
                WHERE member_id = \(bind: memberID) AND entry_id < \(bind: before)
                ORDER BY entry_id DESC LIMIT \(unsafeRaw: String(limit + 1))
                """
            ).all()
        }
        let entries = try rows.map { row in
            PointEntry(
                entryID: try row.decode(column: "entry_id", as: Int64.self),
                kind: try row.decode(column: "kind", as: String.self),
                points: try row.decode(column: "points", as: Int64.self),
                reason: try row.decode(column: "reason", as: String.self),
                actor: try row.decode(column: "actor", as: String?.self),
                reference: try row.decode(column: "reference", as: String?.self),
                createdAt: Timestamp(millisecondsSinceEpoch: try row.decode(column: "created_at", as: Int64.self)))
        }
        let page = Array(entries.prefix(limit))
        return Page(items: page, nextCursor: entries.count > limit ? page.last.map { String($0.entryID) } : nil)
    }

    /// Cancels a pending lot (for example an order found fraudulent before its points became spendable).
    public func cancelPendingLot(
        memberID: String, lotID: String, reason: String, actor: String?, at now: Timestamp
    ) async throws -> PointBalance {
        let ledger = self.ledger
        let now = now.millisecondsSinceEpoch
        return try await database.write { database in
            var balance = try await ledger.lockBalance(
                memberID: memberID, allowingErased: true, at: now, in: database)
            guard
                let row = try await database.raw(
                    "SELECT remaining, status FROM point_lots WHERE lot_id = \(bind: lotID) AND member_id = \(bind: memberID)"
                ).first()
            else { throw LedgerError.lotNotFound(lotID: lotID) }
            let status = try PointLedger.status(row)
            guard status == .pending else { throw LedgerError.lotNotPending(lotID: lotID, status: status) }
            let remaining = try row.decode(column: "remaining", as: Int64.self)
            try await ledger.take([LotDraw(lotID: lotID, points: remaining)], emptiedStatus: .cancelled, in: database)
            try await ledger.appendEntry(
                memberID: memberID, kind: .cancel, points: -remaining, reason: reason, actor: actor, reference: lotID,
                allocations: [LotDraw(lotID: lotID, points: -remaining)], at: now, in: database)
            balance.pending -= remaining
            balance.lifetimeEarned -= remaining
            try await ledger.saveBalance(balance, memberID: memberID, at: now, in: database)
            return balance
        }
    }

    /// Expires every lot whose expiry is at or before `asOf`. Running it again changes nothing.
    public func expirePoints(asOf: Timestamp, batchSize: Int = 500) async throws -> LedgerJobRun {
        try await runLotJob(
            due: "remaining > 0 AND expires_at IS NOT NULL AND expires_at <= \(bind: asOf.millisecondsSinceEpoch)",
            batchSize: batchSize
        ) { lot, balance, ledger, memberID, now, database in
            try await ledger.take(
                [LotDraw(lotID: lot.lotID, points: lot.remaining)], emptiedStatus: .expired, in: database)
            try await ledger.appendEntry(
                memberID: memberID, kind: .expire, points: -lot.remaining,
                reason: "expired at \(Timestamp(millisecondsSinceEpoch: lot.expiresAt ?? now).rfc3339)", actor: nil,
                reference: lot.lotID, allocations: [LotDraw(lotID: lot.lotID, points: -lot.remaining)], at: now,
                in: database)
            if lot.status == .pending { balance.pending -= lot.remaining } else { balance.available -= lot.remaining }
        }
    }

    /// Makes pending lots whose time has come spendable. Running it again changes nothing.
    public func releasePendingPoints(asOf: Timestamp, batchSize: Int = 500) async throws -> LedgerJobRun {
        try await runLotJob(
            due: "status = 'pending' AND available_at <= \(bind: asOf.millisecondsSinceEpoch)", batchSize: batchSize
        ) { lot, balance, ledger, memberID, now, database in
            try await database.raw("UPDATE point_lots SET status = 'active' WHERE lot_id = \(bind: lot.lotID)").run()
            let repaid = balance.release(lot.remaining)
            try await ledger.settleDebt(repaid, lotID: lot.lotID, memberID: memberID, at: now, in: database)
        }
    }

    struct DueLot {
        var lotID: String
        var remaining: Int64
        var status: LotStatus
        var expiresAt: Int64?
    }

    /// Processes due lots in batches, one transaction per batch, members locked in id order.
    private func runLotJob(
        due condition: SQLQueryString, batchSize: Int,
        _ apply:
            @escaping @Sendable (DueLot, inout PointBalance, PointLedger, String, Int64, any SQLDatabase)
            async throws -> Void
    ) async throws -> LedgerJobRun {
        let ledger = self.ledger
        var run = LedgerJobRun(lots: 0, points: 0, members: 0)
        while true {
            let batch = try await database.write { [clock] database in
                let now = clock.milliseconds
                let memberIDs = try await database.raw(
                    """
                    SELECT DISTINCT member_id FROM point_lots WHERE \(condition)
                    ORDER BY member_id LIMIT \(unsafeRaw: String(batchSize))
                    """
                ).all().map { try $0.decode(column: "member_id", as: String.self) }
                var batch = LedgerJobRun(lots: 0, points: 0, members: memberIDs.count)
                for memberID in memberIDs {
                    var balance = try await ledger.lockBalance(
                        memberID: memberID, allowingErased: true, at: now, in: database)
                    let lots = try await database.raw(
                        """
                        SELECT lot_id, remaining, status, expires_at FROM point_lots
                        WHERE member_id = \(bind: memberID) AND \(condition) ORDER BY lot_id
                        """
                    ).all().map { row in
                        DueLot(
                            lotID: try row.decode(column: "lot_id", as: String.self),
                            remaining: try row.decode(column: "remaining", as: Int64.self),
                            status: try PointLedger.status(row),
                            expiresAt: try row.decode(column: "expires_at", as: Int64?.self))
                    }
                    for lot in lots {
                        try await apply(lot, &balance, ledger, memberID, now, database)
                        batch.lots += 1
                        batch.points += lot.remaining
                    }
                    try await ledger.saveBalance(balance, memberID: memberID, at: now, in: database)
                }
                return batch
            }
            run.lots += batch.lots
            run.points += batch.points
            run.members += batch.members
            if batch.members < batchSize { return run }
        }
    }

    private static func balanceTotals(
        in database: any SQLDatabase
    ) async throws -> (available: Int64, pending: Int64, debt: Int64, members: Int64) {
        let totals = try await database.raw(
            """
            SELECT CAST(COALESCE(SUM(available), 0) AS BIGINT) AS available,
                   CAST(COALESCE(SUM(pending), 0) AS BIGINT) AS pending,
                   CAST(COALESCE(SUM(debt), 0) AS BIGINT) AS debt, COUNT(*) AS members
            FROM point_balances WHERE available <> 0 OR pending <> 0 OR debt <> 0
            """
        ).first()
        return (
            try totals?.decode(column: "available", as: Int64.self) ?? 0,
            try totals?.decode(column: "pending", as: Int64.self) ?? 0,
            try totals?.decode(column: "debt", as: Int64.self) ?? 0,
            try totals?.decode(column: "members", as: Int64.self) ?? 0
        )
    }

    /// What the program owes: spendable and pending points, and when the rest expires.
    public func pointsLiability() async throws -> PointsLiability {
        let programs = self.programs
        return try await database.read { database in
            let (_, program) = try await programs.current(in: database)
            let totals = try await Self.balanceTotals(in: database)
            let offset = Int64(program.utcOffset.minutes) * 60_000
            let byDay = try await database.raw(
                """
                SELECT (expires_at + \(unsafeRaw: String(offset)) - 1) / 86400000 AS day, CAST(SUM(remaining) AS BIGINT) AS points
                FROM point_lots WHERE remaining > 0 AND expires_at IS NOT NULL AND status IN ('active', 'pending')
                GROUP BY (expires_at + \(unsafeRaw: String(offset)) - 1) / 86400000
                """
            ).all()
            var byMonth: [String: Int64] = [:]
            for row in byDay {
                // A lot expiring at local midnight belongs to the day before: its last spendable day.
                let day = CalendarDate(daysSinceEpoch: Int(try row.decode(column: "day", as: Int64.self)))
                byMonth[day.monthString, default: 0] += try row.decode(column: "points", as: Int64.self)
            }
            let never =
                try await database.raw(
                    """
                    SELECT CAST(COALESCE(SUM(remaining), 0) AS BIGINT) AS points FROM point_lots
                    WHERE remaining > 0 AND expires_at IS NULL AND status IN ('active', 'pending')
                    """
                ).first()?.decode(column: "points", as: Int64.self) ?? 0
            return PointsLiability(
                available: totals.available, pending: totals.pending, debt: totals.debt, members: totals.members,
                expiringByMonth: byMonth.sorted { $0.key < $1.key }.map { ($0.key, $0.value) },
                neverExpiring: never)
        }
    }
}
