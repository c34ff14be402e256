import PatronAnalytics
import PatronCore
import SQLKit

extension Store {
    /// Every customer's RFM scores, segment and lifecycle stage at the end of local day `referenceDate`, with
    /// P(alive) from the newest fit when there is one.
    public func customerBase(
        referenceDate: PatronCore.CalendarDate, thresholds: LifecycleThresholds = LifecycleThresholds()
    ) async throws -> CustomerBase {
        let (totals, currency) = try await memberPurchaseTotals(through: referenceDate, firstDaySpend: false)
        return await CustomerBase(
            totals: totals, referenceDate: referenceDate, currency: currency, fit: try await latestModelFit(),
            thresholds: thresholds)
    }

    /// Every member's totals of the orders through local day `date` in the program's currency, which is returned
    /// too; in no particular order. The first day's spend (for the spend model) only when `firstDaySpend` is set.
    ///
    /// A large base is read as two halves of the member ids at once, each on its own connection: neither engine
    /// spreads this aggregate over several cores by itself, and decoding a million rows is half the work.
    public func memberPurchaseTotals(
        through date: PatronCore.CalendarDate, firstDaySpend: Bool
    ) async throws -> (totals: [MemberPurchaseTotals], currency: Currency) {
        try await memberPurchaseTotals(through: date, firstDaySpend: firstDaySpend, splittingFrom: 100_000)
    }

    /// ``memberPurchaseTotals(through:firstDaySpend:)``, split in two from `minimumMembers` members.
    func memberPurchaseTotals(
        through date: PatronCore.CalendarDate, firstDaySpend: Bool, splittingFrom minimumMembers: Int
    ) async throws -> (totals: [MemberPurchaseTotals], currency: Currency) {
        let programs = self.programs
        let day = date.daysSinceEpoch
        let (program, middle) = try await database.read { database in
            let (_, program) = try await programs.current(in: database)
            return (program, try await Self.middleMemberID(minimumMembers: minimumMembers, in: database))
        }
        let database = self.database
        let read = { @Sendable (members: (from: String?, before: String?)) async throws -> [MemberPurchaseTotals] in
            if !firstDaySpend, let postgres = database as? PostgresBackend {
                let cutoff = program.utcOffset.startOf(PatronCore.CalendarDate(daysSinceEpoch: day + 1))
                return try await postgres.memberTotals(
                    cutoff: cutoff.millisecondsSinceEpoch, currency: program.currency.code,
                    offsetMilliseconds: Int64(program.utcOffset.minutes) * 60_000, members: members)
            }
            return try await database.read {
                try await AnalyticsQueries.memberTotals(
                    throughDay: day, program: program, members: members, firstDaySpend: firstDaySpend, in: $0)
            }
        }
        // The halves are ranges in the database's own order of ids, so each member falls in exactly one.
        guard let middle else { return (try await read((nil, nil)), program.currency) }
        async let lower = read((nil, middle))
        let upper = try await read((middle, nil))
        return (try await lower + upper, program.currency)
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
    /// - Returns: nil for the standing and prediction of a member without orders by then.
    /// - Throws: `MemberError.notFound` for an unknown member; ``AnalyticsError/noModelFitted`` before any fit.
    public func memberInsights(
        memberID: String, asOf: PatronCore.CalendarDate, settings: PredictionSettings
    ) async throws -> (standing: MemberStanding?, prediction: MemberPrediction?, fit: StoredModelFit) {
        let exists = try await database.read {
            try await $0.raw("SELECT id FROM members WHERE id = \(bind: memberID)").first() != nil
        }
        guard exists else { throw MemberError.notFound(memberID: memberID) }
        guard let fit = try await latestModelFit() else { throw AnalyticsError.noModelFitted }
        let programs = self.programs
        let referenceDay = asOf.daysSinceEpoch
        let found = try await database.read { database -> (MemberPurchaseTotals, RFMScore)? in
            let (_, program) = try await programs.current(in: database)
            guard
                let totals = try await AnalyticsQueries.memberTotals(
                    throughDay: referenceDay, program: program, memberID: memberID, firstDaySpend: true, in: database
                ).first
            else { return nil }
            return (
                totals,
                try await AnalyticsQueries.score(of: totals, throughDay: referenceDay, program: program, in: database)
            )
        }
        guard let (totals, score) = found else { return (nil, nil, fit) }
        let prediction = MemberPrediction(totals: totals, referenceDay: referenceDay, fit: fit, settings: settings)
        let stage = LifecycleStage.classify(
            daysSinceFirstOrder: referenceDay - totals.firstDay, daysSinceLastOrder: referenceDay - totals.lastDay,
            probabilityAlive: prediction.probabilityAlive)
        let standing = MemberStanding(
            totals: totals, recencyDays: referenceDay - totals.lastDay, score: score,
            // Scores are always 1…5 and the table covers that whole range.
            segment: RFMSegmentTable.segment(for: score) ?? .lost, stage: stage,
            probabilityAlive: prediction.probabilityAlive)
        return (standing, prediction, fit)
    }

    /// The `limit` members with the most lifetime value at risk (CLV × (1 − P(alive))) at the end of `asOf`,
    /// highest first.
    public func churnRisk(
        asOf: PatronCore.CalendarDate, limit: Int, settings: PredictionSettings
    ) async throws -> (entries: [ChurnRiskEntry], fit: StoredModelFit) {
        let programs = self.programs
        let (totals, latest) = try await database.read { database in
            let (_, program) = try await programs.current(in: database)
            let totals = try await AnalyticsQueries.memberTotals(
                throughDay: asOf.daysSinceEpoch, program: program, firstDaySpend: true, in: database)
            return (totals, try await Self.latestModelFit(in: database))
        }
        guard let fit = latest else { throw AnalyticsError.noModelFitted }
        let referenceDay = asOf.daysSinceEpoch
        let predictions = CustomerLifetimeValue.predictions(
            for: totals.map { $0.summary(referenceDay: referenceDay, unit: fit.unit) }, purchaseModel: fit.purchases,
            spendModel: fit.spend, settings: settings.lifetimeValueSettings(unit: fit.unit))
        let entries = zip(totals, predictions).map { totals, prediction in
            ChurnRiskEntry(
                totals: totals, probabilityAlive: prediction.probabilityAlive, lifetimeValue: prediction.lifetimeValue)
        }
        // Ties (rare with real numbers) fall back to the member id so the order is stable.
        let ranked = entries.sorted {
            ($0.valueAtRisk, $1.totals.memberID) > ($1.valueAtRisk, $0.totals.memberID)
        }
        return (Array(ranked.prefix(limit)), fit)
    }
}
