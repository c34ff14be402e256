import Hummingbird
import PatronAnalytics
import PatronCore
import PatronStore

/// Customer analytics over the stored orders: KPIs, RFM segments and lifecycle stages, cohorts, the fitted
/// lifetime-value models, and per-member insights. Days are the program's local days.
struct AnalyticsController {
    let store: Store

    /// Defaults of the query parameters, documented in docs/analytics.md and the OpenAPI document.
    enum Defaults {
        static let lapseDays = 365
        static let grossMargin = 1.0
        static let lifetimeYears = 3.0
        static let horizonDays = 90
        static let months = 12
        static let discountRate = 0.01
        static let cohortMonths = 12
    }

    func addRoutes(to group: RouterGroup<PatronRequestContext>) {
        group.get("analytics/kpis", use: kpis)
        group.get("analytics/rfm", use: rfm)
        group.get("analytics/cohorts", use: cohorts)
        group.get("analytics/churn-risk", use: churnRisk)
        group.get("analytics/model", use: model)
        group.get("analytics/global-control", use: globalControl)
        group.get("members/{member_id}/insights", use: insights)
    }

    @Sendable func kpis(_ request: Request, context: PatronRequestContext) async throws -> Response {
        try context.require(.reportsRead)
        var query = QueryReader(request)
        let from = query.date("from", required: true)
        let to = query.date("to", required: true)
        let lapseDays = query.integer("lapse_days", in: 1...3650, default: Defaults.lapseDays)
        let grossMargin = query.number("gross_margin", in: 0...1, default: Defaults.grossMargin)
        let lifetimeYears = query.number("lifetime_years", in: 0...100, default: Defaults.lifetimeYears)
        if let from, let to, to < from { query.fail("to", "must not be before from") }
        try query.finish()
        // finish() has reported a missing date already.
        guard let from, let to else { throw ValidationFailure(query.errors) }
        let kpis = try await store.customerKPIs(
            from: from, to: to, lapseDays: lapseDays, grossMargin: grossMargin, lifetimeYears: lifetimeYears)
        return try JSONBody.response(KPIResource(kpis: kpis))
    }

    @Sendable func rfm(_ request: Request, context: PatronRequestContext) async throws -> Response {
        try context.require(.reportsRead)
        var query = QueryReader(request)
        let referenceDate = query.date("reference_date")
        var segment: RFMSegment?
        if let code = query.string("segment") {
            segment = RFMSegment.allCases.first { $0.code == code }
            if segment == nil {
                query.fail("segment", "must be one of \(RFMSegment.allCases.map(\.code).joined(separator: ", "))")
            }
        }
        let pagination = Pagination(reading: &query)
        try query.finish()
        let base = try await store.customerBase(referenceDate: try await orToday(referenceDate))
        let page = try await store.standings(
            in: base, segment: segment, after: pagination.cursor, limit: pagination.limit)
        return try JSONBody.response(
            RFMPageResource(base: base, page: page.items, nextCursor: Pagination.encode(page.nextCursor)))
    }

    @Sendable func cohorts(_ request: Request, context: PatronRequestContext) async throws -> Response {
        try context.require(.reportsRead)
        var query = QueryReader(request)
        let fromParameter = query.date("from")
        let toParameter = query.date("to")
        if let fromParameter, let toParameter, toParameter < fromParameter {
            query.fail("to", "must not be before from")
        }
        try query.finish()
        let to = try await orToday(toParameter)
        let from =
            fromParameter
            ?? PatronCore.CalendarDate(year: to.year, month: to.month, day: 1).addingMonths(1 - Defaults.cohortMonths)
        let cohorts = try await store.cohortRetention(from: from, to: to)
        return try JSONBody.response(CohortsResource(from: from, to: to, cohorts: cohorts))
    }

    @Sendable func churnRisk(_ request: Request, context: PatronRequestContext) async throws -> Response {
        try context.require(.reportsRead)
        var query = QueryReader(request)
        let asOf = query.date("as_of")
        let limit = query.integer("limit", in: 1...Pagination.maximumLimit, default: Pagination.defaultLimit)
        let settings = predictionSettings(&query)
        try query.finish()
        let day = try await orToday(asOf)
        let (entries, fit) = try await store.churnRisk(asOf: day, limit: limit, settings: settings)
        return try JSONBody.response(
            ChurnRiskResource(asOf: day, settings: settings, fit: fit, entries: entries))
    }

    /// Everyone the program's marketing may reach against the global control group it never does.
    @Sendable func globalControl(_ request: Request, context: PatronRequestContext) async throws -> Response {
        try context.require(.reportsRead)
        var query = QueryReader(request)
        let days = query.integer("days", in: 1...365, default: 30)
        try query.finish()
        let lift = try await store.globalControlLift(days: days, at: store.clock.now)
        return try JSONBody.response(GlobalControlResource(lift: lift))
    }

    @Sendable func model(_ request: Request, context: PatronRequestContext) async throws -> Response {
        try context.require(.reportsRead)
        guard let fit = try await store.latestModelFit() else { throw AnalyticsError.noModelFitted }
        return try JSONBody.response(ModelFitResource(fit: fit))
    }

    @Sendable func insights(_ request: Request, context: PatronRequestContext) async throws -> Response {
        try context.require(.membersRead)
        let memberID = try context.parameters.require("member_id")
        var query = QueryReader(request)
        let asOf = query.date("as_of")
        let settings = predictionSettings(&query)
        try query.finish()
        let day = try await orToday(asOf)
        let (standing, prediction, fitted) = try await store.memberInsights(
            memberID: memberID, asOf: day, settings: settings)
        guard let fit = fitted else { throw AnalyticsError.noModelFitted }
        return try JSONBody.response(
            InsightsResource(
                memberID: memberID, asOf: day, settings: settings, standing: standing, prediction: prediction, fit: fit)
        )
    }

    private func predictionSettings(_ query: inout QueryReader) -> PredictionSettings {
        PredictionSettings(
            horizonDays: query.integer("horizon_days", in: 1...3650, default: Defaults.horizonDays),
            months: query.integer("months", in: 1...120, default: Defaults.months),
            monthlyDiscountRate: query.number("discount_rate", in: 0...1, default: Defaults.discountRate))
    }

    /// `date`, or today in the program's time zone when it is nil.
    private func orToday(_ date: PatronCore.CalendarDate?) async throws -> PatronCore.CalendarDate {
        if let date { return date }
        return try await store.program().program.utcOffset.date(of: store.clock.now)
    }
}

extension RFMSegment {
    /// The segment as a snake_case code: `champions`, `cant_lose_them`, …
    var code: String {
        String(rawValue.lowercased().compactMap { $0 == "'" ? nil : $0 == " " ? "_" : $0 })
    }
}

extension LifecycleStage {
    /// The stage as a snake_case code: `new`, `active`, `dormant`, `at_risk`, `churned`.
    var code: String {
        switch self {
        case .new: "new"
        case .active: "active"
        case .dormant: "dormant"
        case .atRisk: "at_risk"
        case .churned: "churned"
        }
    }
}
