import PatronAnalytics
import PatronCore
import SQLKit

extension Store {
    /// The PostgreSQL advisory lock that orders model-fit inserts (the migrations hold another).
    static let modelFitLock = "7274767"

    /// The newest stored fit known to have converged, or nil before the first. Fits stored before convergence was
    /// recorded are passed over: one of them may have diverged, and the next refit replaces them.
    public func latestModelFit() async throws -> StoredModelFit? {
        try await database.read { try await Self.latestModelFit(in: $0) }
    }

    static func latestModelFit(in database: any SQLDatabase) async throws -> StoredModelFit? {
        guard
            let row = try await database.raw(
                """
                SELECT * FROM analytics_model_fits WHERE bgnbd_converged = 1 AND gamma_gamma_converged = 1
                ORDER BY fit_id DESC LIMIT 1
                """
            ).first()
        else { return nil }
        return try StoredModelFit(try row.decode(model: StoredModelFit.Row.self))
    }

    /// Fits BG/NBD and Gamma-Gamma to every customer's orders through local day `asOf` (times in weeks, spend in
    /// minor units) and stores the parameters, unless the newest fit already covers the same orders, day, time
    /// zone and currency: then it is returned unchanged and `refitted` is false. Checking costs one count.
    ///
    /// - Throws: ``AnalyticsError/notEnoughData(reason:)`` when the orders cannot be fitted (for instance when no
    ///   customer has bought twice).
    public func refitModels(asOf: PatronCore.CalendarDate) async throws -> (fit: StoredModelFit, refitted: Bool) {
        let programs = self.programs
        let (program, fingerprint, latest) = try await database.read { database in
            let (_, program) = try await programs.current(in: database)
            let row = try await database.raw(
                """
                SELECT CAST(COUNT(*) AS BIGINT) AS order_count,
                       CAST(COALESCE(MAX(created_at), 0) AS BIGINT) AS newest
                FROM orders
                """
            ).first()
            let fingerprint = (
                count: try row?.decode(column: "order_count", as: Int64.self) ?? 0,
                newest: try row?.decode(column: "newest", as: Int64.self) ?? 0
            )
            return (program, fingerprint, try await Self.latestModelFit(in: database))
        }
        @Sendable func isCurrent(_ fit: StoredModelFit?) -> Bool {
            guard let fit else { return false }
            return fit.orderCount == fingerprint.count && fit.newestOrderCreatedAt == fingerprint.newest
                && fit.calibrationEnd == asOf && fit.utcOffset == program.utcOffset
                && fit.currency == program.currency.code
        }
        if let latest, isCurrent(latest) { return (latest, false) }
        let referenceDay = asOf.daysSinceEpoch
        // The fit needs no member ids; leaving them out keeps a million members' totals small.
        let (totals, _) = try await memberPurchaseTotals(
            through: asOf, firstDaySpend: true, withIDs: false, splittingFrom: 100_000)
        let unit = TimeUnit.week
        let summaries = totals.map { $0.summary(referenceDay: referenceDay, unit: unit) }
        let fit: CustomerBaseFit
        do {
            // The fits refuse to converge on parameters at the edge of the space, so what is stored is usable.
            fit = try CustomerBaseFit.fit(summaries)
        } catch {
            throw AnalyticsError.notEnoughData(reason: error.description)
        }
        let stored = StoredModelFit(
            fitID: 0, fittedAt: clock.now, calibrationEnd: asOf,
            utcOffset: program.utcOffset, currency: program.currency.code, unit: unit,
            orderCount: fingerprint.count, newestOrderCreatedAt: fingerprint.newest,
            customers: fit.purchases.customerCount, repeatCustomers: fit.spend.customerCount,
            purchases: fit.purchases.model, purchasesLogLikelihood: fit.purchases.logLikelihood,
            spend: fit.spend.model, spendLogLikelihood: fit.spend.logLikelihood,
            purchasesConvergence: fit.purchases.convergence, spendConvergence: fit.spend.convergence)
        let row = stored.row
        let engine = database.engine
        // Another node may have fitted the same orders meanwhile: the check and the insert hold one lock, so
        // the fit is stored once and the later node answers the stored one.
        let (saved, inserted) = try await database.write { database in
            if engine == .postgres {
                try await database.raw("SELECT pg_advisory_xact_lock(\(unsafeRaw: Self.modelFitLock))").run()
            }
            if let newer = try await Self.latestModelFit(in: database), isCurrent(newer) { return (newer, false) }
            try await database.insert(into: "analytics_model_fits").model(row).run()
            var saved = stored
            saved.fitID = try await Self.latestModelFit(in: database)?.fitID ?? 0
            return (saved, true)
        }
        return (saved, inserted)
    }
}
