import PatronAnalytics
import PatronCore
import SQLKit

extension Store {
    /// Every customer's RFM scores, segment and lifecycle stage at the end of local day `referenceDate`, with
    /// P(alive) from the newest fit when there is one.
    public func customerBase(
        referenceDate: PatronCore.CalendarDate, thresholds: LifecycleThresholds = LifecycleThresholds()
    ) async throws -> CustomerBase {
        let (totals, currency) = try await memberPurchaseTotals(through: referenceDate)
        return CustomerBase(
            totals: totals, referenceDate: referenceDate, currency: currency, fit: try await latestModelFit(),
            thresholds: thresholds)
    }

    /// Every member's totals of the orders through local day `date` in the program's currency, which is returned
    /// too; in no particular order.
    public func memberPurchaseTotals(
        through date: PatronCore.CalendarDate
    ) async throws -> (totals: [MemberPurchaseTotals], currency: Currency) {
        let programs = self.programs
        return try await database.read { database in
            let (_, program) = try await programs.current(in: database)
            let totals = try await AnalyticsQueries.memberTotals(
                throughDay: date.daysSinceEpoch, program: program, in: database)
            return (totals, program.currency)
        }
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
        // The RFM quintiles place the member among everyone, so the whole base is scored.
        let base = try await customerBase(referenceDate: asOf)
        guard let standing = base.members.first(where: { $0.memberID == memberID }) else { return (nil, nil, fit) }
        let prediction = MemberPrediction(
            totals: standing.totals, referenceDay: asOf.daysSinceEpoch, fit: fit, settings: settings)
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
                throughDay: asOf.daysSinceEpoch, program: program, in: database)
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
