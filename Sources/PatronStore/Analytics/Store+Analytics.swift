import PatronAnalytics
import PatronCore
import SQLKit

extension Store {
    /// The whole base's RFM scales, segment counts and lifecycle-stage counts at the end of local day
    /// `referenceDate`, with P(alive) from the newest fit when there is one. Members are scored from it a page at a
    /// time by ``standings(in:segment:after:limit:)``.
    public func customerBase(
        referenceDate: PatronCore.CalendarDate, thresholds: LifecycleThresholds = LifecycleThresholds()
    ) async throws -> CustomerBase {
        let day = referenceDate.daysSinceEpoch
        // Revenue is read before refunds, and the few refunded members corrected after, which keeps a join per
        // member off the pass over every order.
        let (halves, program) = try await readMemberTotals(splittingFrom: 100_000) { members in
            MemberTotalsScope(
                throughDay: day, from: members.from, before: members.before, withIDs: false, beforeRefunds: true)
        } into: { scope, program in
            let gathering = RowGathering(MemberTotalsColumns())
            try await self.eachMemberTotals(scope, program: program) { totals in gathering.add { $0.append(totals) } }
            return try gathering.result()
        }
        var columns = halves[0]
        for half in halves.dropFirst() { columns.append(contentsOf: half) }
        columns.takeOffRefunds(
            try await database.read { database in
                try await AnalyticsQueries.refundCorrections(throughDay: day, program: program, in: database)
            })
        return await CustomerBase(
            columns: columns, referenceDate: referenceDate, currency: program.currency,
            fit: try await latestModelFit(), thresholds: thresholds)
    }

    /// A page of the standings of `base`'s members, by id after `cursor` (exclusive), optionally of one segment.
    ///
    /// The members are read in id order in growing chunks until the page is full, so a page costs a short read of
    /// the covering index, and only a rare segment costs a longer one.
    public func standings(
        in base: CustomerBase, segment: RFMSegment?, after cursor: String?, limit: Int
    ) async throws -> Page<MemberStanding> {
        if let segment, base.segmentCounts[segment, default: 0] == 0 { return Page(items: [], nextCursor: nil) }
        let programs = self.programs
        let day = base.referenceDate.daysSinceEpoch
        var found: [MemberStanding] = []
        var after = cursor
        var chunk = max(100, 2 * (limit + 1))
        while found.count <= limit {
            let scope = MemberTotalsScope(throughDay: day, after: after, limit: chunk)
            let totals = try await database.read { database in
                let (_, program) = try await programs.current(in: database)
                return try await AnalyticsQueries.memberTotals(scope, program: program, in: database)
            }
            for member in totals {
                let standing = base.standing(of: member)
                if segment == nil || standing.segment == segment { found.append(standing) }
            }
            guard totals.count == chunk, let last = totals.last else { break }
            after = last.memberID
            chunk = min(chunk * 4, 50_000)
        }
        let hasMore = found.count > limit
        let items = Array(found.prefix(limit))
        return Page(items: items, nextCursor: hasMore ? items.last?.memberID : nil)
    }

    /// The standings of all of `base`'s members (of one segment, if given), read a page at a time.
    public func allStandings(in base: CustomerBase, segment: RFMSegment? = nil) async throws -> [MemberStanding] {
        var all: [MemberStanding] = []
        var cursor: String?
        repeat {
            let page = try await standings(in: base, segment: segment, after: cursor, limit: 10_000)
            all += page.items
            cursor = page.nextCursor
        } while cursor != nil
        return all
    }

    /// Every member's totals of the orders through local day `date` in the program's currency, which is returned
    /// too; in no particular order. The first day's spend (for the spend model) only when `firstDaySpend` is set.
    public func memberPurchaseTotals(
        through date: PatronCore.CalendarDate, firstDaySpend: Bool
    ) async throws -> (totals: [MemberPurchaseTotals], currency: Currency) {
        try await memberPurchaseTotals(through: date, firstDaySpend: firstDaySpend, splittingFrom: 100_000)
    }

    /// ``memberPurchaseTotals(through:firstDaySpend:)``, split in two from `minimumMembers` members; without
    /// `withIDs` every member id is empty, which saves reading and keeping a million strings.
    func memberPurchaseTotals(
        through date: PatronCore.CalendarDate, firstDaySpend: Bool, withIDs: Bool = true,
        splittingFrom minimumMembers: Int
    ) async throws -> (totals: [MemberPurchaseTotals], currency: Currency) {
        let day = date.daysSinceEpoch
        let (halves, program) = try await readMemberTotals(splittingFrom: minimumMembers) { members in
            MemberTotalsScope(
                throughDay: day, from: members.from, before: members.before, withIDs: withIDs,
                firstDaySpend: firstDaySpend)
        } into: { scope, program in
            let gathering = RowGathering([MemberPurchaseTotals]())
            try await self.eachMemberTotals(scope, program: program) { totals in gathering.add { $0.append(totals) } }
            return try gathering.result()
        }
        return (halves.flatMap { $0 }, program.currency)
    }

    /// Reads the members' totals into one `Part` per range of member ids: the whole base below `minimumMembers`
    /// members, else two halves at once, each on its own connection, since neither engine spreads this aggregate
    /// over several cores by itself and decoding a million rows is half the work. The halves are ranges in the
    /// database's own order of ids, so each member falls in exactly one.
    private func readMemberTotals<Part: Sendable>(
        splittingFrom minimumMembers: Int,
        scope: @escaping @Sendable ((from: String?, before: String?)) -> MemberTotalsScope,
        into read: @escaping @Sendable (MemberTotalsScope, LoyaltyProgram) async throws -> Part
    ) async throws -> (parts: [Part], program: LoyaltyProgram) {
        let programs = self.programs
        let (program, middle) = try await database.read { database in
            let (_, program) = try await programs.current(in: database)
            return (program, try await Self.middleMemberID(minimumMembers: minimumMembers, in: database))
        }
        guard let middle else { return ([try await read(scope((nil, nil)), program)], program) }
        async let lower = read(scope((nil, middle)), program)
        let upper = try await read(scope((middle, nil)), program)
        return ([try await lower, upper], program)
    }

    /// Streams the totals in `scope` to `body`, one member at a time, holding none of them.
    private func eachMemberTotals(
        _ scope: MemberTotalsScope, program: LoyaltyProgram,
        _ body: @escaping @Sendable (MemberPurchaseTotals) -> Void
    ) async throws {
        let query = AnalyticsQueries.memberTotalsQuery(scope, program: program)
        if let postgres = database as? PostgresBackend {
            return try await postgres.forEachMemberTotals(query, scope: scope, body)
        }
        let gathering = RowGathering(())
        try await database.read { database in
            try await database.raw(query).run { row in
                gathering.add { _ in body(try AnalyticsQueries.decode(row, scope: scope)) }
            }
        }
        try gathering.result()
    }

    /// The member id in the middle of the id order, or nil below `minimumMembers` members.
    private static func middleMemberID(minimumMembers: Int, in database: any SQLDatabase) async throws -> String? {
        let count =
            try await database.raw("SELECT CAST(COUNT(*) AS BIGINT) AS members FROM members").first()?.decode(
                column: "members", as: Int64.self) ?? 0
        guard count >= minimumMembers else { return nil }
        return try await database.raw(
            "SELECT id FROM members ORDER BY id LIMIT 1 OFFSET \(unsafeRaw: String(count / 2))"
        ).first()?.decode(column: "id", as: String.self)
    }

    /// Cohorts by month of first order for the months of `from` through `to`, with each later month's active
    /// customers counted up to the end of `to`.
    public func cohortRetention(
        from: PatronCore.CalendarDate, to: PatronCore.CalendarDate
    ) async throws -> [CohortRetentionMatrix.Cohort] {
        let programs = self.programs
        let memberDays = try await database.read { database in
            let (_, program) = try await programs.current(in: database)
            let cutoff = program.utcOffset.startOf(to.addingDays(1)).millisecondsSinceEpoch
            // One row per member and order day, not per order: the matrix needs only who was active when.
            return try await database.raw(
                """
                SELECT member_id, \(AnalyticsQueries.localDay(offset: program.utcOffset)) AS day
                FROM orders WHERE occurred_at < \(bind: cutoff) AND currency = \(bind: program.currency.code)
                GROUP BY member_id, day
                """
            ).all().map { row in
                Transaction(
                    customerID: try row.decode(column: "member_id", as: String.self),
                    date: PatronAnalytics.CalendarDate(
                        daysSinceEpoch: Int(try row.decode(column: "day", as: Int64.self))),
                    amount: 0)
            }
        }
        let first = YearMonth(year: from.year, month: from.month)
        let last = YearMonth(year: to.year, month: to.month)
        return CohortRetentionMatrix(orders: memberDays).cohorts.filter { $0.month >= first && $0.month <= last }
    }

    /// A member's standing and the models' predictions at the end of local day `asOf`.
    ///
    /// - Returns: nil for the standing and prediction of a member without orders by then; no prediction and no fit
    ///   before the first fit, when the lifecycle stage is read from the days since the orders alone.
    /// - Throws: `MemberError.notFound` for an unknown member.
    public func memberInsights(
        memberID: String, asOf: PatronCore.CalendarDate, settings: PredictionSettings
    ) async throws -> (standing: MemberStanding?, prediction: MemberPrediction?, fit: StoredModelFit?) {
        let exists = try await database.read {
            try await $0.raw("SELECT id FROM members WHERE id = \(bind: memberID)").first() != nil
        }
        guard exists else { throw MemberError.notFound(memberID: memberID) }
        let fit = try await latestModelFit()
        let programs = self.programs
        let referenceDay = asOf.daysSinceEpoch
        let found = try await database.read { database -> (MemberPurchaseTotals, RFMScore)? in
            let (_, program) = try await programs.current(in: database)
            guard
                let totals = try await AnalyticsQueries.memberTotals(
                    MemberTotalsScope(throughDay: referenceDay, memberID: memberID, firstDaySpend: true),
                    program: program, in: database
                ).first
            else { return nil }
            return (
                totals,
                try await AnalyticsQueries.score(of: totals, throughDay: referenceDay, program: program, in: database)
            )
        }
        guard let (totals, score) = found else { return (nil, nil, fit) }
        let prediction = fit.map {
            MemberPrediction(totals: totals, referenceDay: referenceDay, fit: $0, settings: settings)
        }
        let stage = LifecycleStage.classify(
            daysSinceFirstOrder: referenceDay - totals.firstDay, daysSinceLastOrder: referenceDay - totals.lastDay,
            probabilityAlive: prediction?.probabilityAlive)
        let standing = MemberStanding(
            totals: totals, recencyDays: referenceDay - totals.lastDay, score: score,
            segment: score.segment, stage: stage,
            probabilityAlive: prediction?.probabilityAlive)
        return (standing, prediction, fit)
    }

    /// A member's lifecycle stage and the newest fit's predictions at the end of local day `asOf`, from the member's
    /// own orders, and their RFM segment by the quintiles of the newest analytics snapshot: unlike
    /// ``memberInsights(memberID:asOf:settings:)`` it does not rank the member against every other, which reads the
    /// whole base. Nil for a member without orders by then.
    public func memberOutlook(
        memberID: String, asOf: PatronCore.CalendarDate, settings: PredictionSettings
    ) async throws -> MemberOutlook? {
        let fit = try await latestModelFit()
        let programs = self.programs
        let referenceDay = asOf.daysSinceEpoch
        let found = try await database.read { database in
            let (_, program) = try await programs.current(in: database)
            return try await AnalyticsQueries.memberTotals(
                MemberTotalsScope(throughDay: referenceDay, memberID: memberID, firstDaySpend: true),
                program: program, in: database
            ).first
        }
        guard let totals = found else { return nil }
        let prediction = fit.map {
            MemberPrediction(totals: totals, referenceDay: referenceDay, fit: $0, settings: settings)
        }
        let stage = LifecycleStage.classify(
            daysSinceFirstOrder: referenceDay - totals.firstDay, daysSinceLastOrder: referenceDay - totals.lastDay,
            probabilityAlive: prediction?.probabilityAlive)
        let ranked = try await newestAnalyticsSnapshot(through: asOf)
        return MemberOutlook(
            stage: stage, prediction: prediction,
            segment: ranked.flatMap { snapshot in
                snapshot.rfm.map { (segment: $0.score(of: totals).segment, asOf: snapshot.asOf) }
            })
    }

    /// The `limit` members with the most lifetime value at risk (CLV × (1 − P(alive))) at the end of `asOf`,
    /// highest first.
    public func churnRisk(
        asOf: PatronCore.CalendarDate, limit: Int, settings: PredictionSettings
    ) async throws -> (entries: [ChurnRiskEntry], fit: StoredModelFit) {
        let outlook = try await valueOutlook(asOf: asOf, limit: limit, settings: settings)
        return (outlook.atRisk, outlook.fit)
    }

    /// The `limit` members with the most value at risk, and how lifetime value is spread over all customers, from
    /// one pass over the base at the end of `asOf`.
    ///
    /// Members are scored in chunks as they stream in, keeping only the best `limit` so far and each member's value
    /// (eight bytes): memory stays a few megabytes for a million customers.
    public func valueOutlook(
        asOf: PatronCore.CalendarDate, limit: Int, settings: PredictionSettings
    ) async throws -> (atRisk: [ChurnRiskEntry], lifetimeValues: ValueDeciles, fit: StoredModelFit) {
        guard let fit = try await latestModelFit() else { throw AnalyticsError.noModelFitted }
        let referenceDay = asOf.daysSinceEpoch
        let (halves, _) = try await readMemberTotals(splittingFrom: 100_000) { members in
            MemberTotalsScope(
                throughDay: referenceDay, from: members.from, before: members.before, firstDaySpend: true)
        } into: { scope, program in
            let gathering = RowGathering(
                ChurnRiskRanking(limit: limit, referenceDay: referenceDay, fit: fit, settings: settings))
            try await self.eachMemberTotals(scope, program: program) { totals in gathering.add { $0.add(totals) } }
            var ranking = try gathering.result()
            ranking.flush()
            return ranking
        }
        return (
            ChurnRiskRanking.merge(halves.flatMap(\.best), limit: limit),
            ValueDeciles(halves.flatMap(\.lifetimeValues)), fit
        )
    }
}

/// The members with the most value at risk among those added so far, scored a chunk at a time.
private struct ChurnRiskRanking: Sendable {
    let limit: Int
    let referenceDay: Int
    let fit: StoredModelFit
    let settings: PredictionSettings
    private(set) var best: [ChurnRiskEntry] = []
    /// Every member's lifetime value scored so far.
    private(set) var lifetimeValues: [Double] = []
    private var pending: [MemberPurchaseTotals] = []

    init(limit: Int, referenceDay: Int, fit: StoredModelFit, settings: PredictionSettings) {
        self.limit = limit
        self.referenceDay = referenceDay
        self.fit = fit
        self.settings = settings
    }

    mutating func add(_ totals: MemberPurchaseTotals) {
        pending.append(totals)
        if pending.count >= 10_000 { flush() }
    }

    /// Scores the members waiting and keeps the best.
    mutating func flush() {
        let predictions = CustomerLifetimeValue.predictions(
            for: pending.map { $0.summary(referenceDay: referenceDay, unit: fit.unit) },
            purchaseModel: fit.purchases, spendModel: fit.spend,
            settings: settings.lifetimeValueSettings(unit: fit.unit))
        let scored = zip(pending, predictions).map { totals, prediction in
            ChurnRiskEntry(
                totals: totals, probabilityAlive: prediction.probabilityAlive, lifetimeValue: prediction.lifetimeValue)
        }
        best = Self.merge(best + scored, limit: limit)
        lifetimeValues.append(contentsOf: predictions.map(\.lifetimeValue))
        pending.removeAll(keepingCapacity: true)
    }

    /// The `limit` entries with the most value at risk, highest first; ties (rare with real numbers) fall back to
    /// the member id so the order is stable.
    static func merge(_ entries: [ChurnRiskEntry], limit: Int) -> [ChurnRiskEntry] {
        Array(
            entries.sorted { ($0.valueAtRisk, $1.totals.memberID) > ($1.valueAtRisk, $0.totals.memberID) }
                .prefix(limit))
    }
}
