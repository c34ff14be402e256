import Hummingbird
import PatronAnalytics
import PatronCore
import PatronStore

/// The customer base at a glance: RFM segments and lifecycle stages today, how each month's new customers kept
/// coming back, and when the points members hold will expire.
struct AnalyticsPage {
    let store: Store

    static let cohortMonths = 12

    func addRoutes(to router: RouterGroup<PatronRequestContext>) {
        router.get("analytics", use: show)
    }

    @Sendable func show(_ request: Request, context: PatronRequestContext) async throws -> Response {
        let view = View(request: request, context: context)
        guard view.permits(.reportsRead) else { return DashboardErrors.forbidden(view) }
        let today = try await store.today()
        let firstMonth = CalendarDate(year: today.year, month: today.month, day: 1).addingMonths(1 - Self.cohortMonths)
        let currency = try await store.program().program.currency
        async let base = store.customerBase(referenceDate: today)
        async let cohorts = store.cohortRetention(from: firstMonth, to: today)
        async let liability = store.pointsLiability()
        async let outlook = valueOutlook(asOf: today)
        async let rewards = store.rewardsReport()
        let formats = view.formats
        let customers = try await base
        let owed = try await liability
        let segments = segmentTable(view, customers)
        let stages = stageTable(view, customers)
        let cohortTable = self.cohortTable(view, try await cohorts)
        let expiry = expiryTable(view, owed)
        let report = try await rewards
        let points = pointsTable(view, report)
        let popular = popularRewardsTable(view, report)
        var tables = [segments, stages, cohortTable, expiry, points, popular]
        var value: Markup =
            "<section><h2>\(view.text(.lifetimeValueTitle))</h2><p>\(view.text(.noModelFitted))</p></section>"
        if let (atRisk, deciles, _) = try await outlook {
            let decileTable = self.decileTable(view, deciles, currency: currency)
            let riskTable = self.riskTable(view, atRisk, currency: currency)
            tables += [decileTable, riskTable]
            value = valueSection(view, deciles, decileTable: decileTable, riskTable: riskTable)
        }
        let body: Markup = """
            <p class="muted">\(view.text(.customersOn, ["customers": formats.exact(customers.customers), "date": formats.date(customers.referenceDate)]))</p>
            <div class="columns">
            <section><h2>\(view.text(.rfmSegments))</h2>\(segments.html(view))</section>
            <section><h2>\(view.text(.lifecycleStages))</h2>\(stages.html(view))</section>
            </div>
            \(value)
            <figure><figcaption>\(view.text(.cohortCaption))</figcaption>\(cohortTable.html(view))
            <p class="muted">\(view.text(.cohortHint))</p></figure>
            <section><h2>\(view.text(.pointsByExpiry))</h2>
            <p>\(view.text(.pointsByExpiryNote, ["total": formats.exact(owed.available + owed.pending), "never": formats.exact(owed.neverExpiring)]))</p>
            \(expiry.html(view))</section>
            <section><h2>\(view.text(.rewardsReport))</h2><p>\(view.text(.rewardsReportNote))</p>
            <div class="columns"><div>\(points.html(view))</div>
            <div><h3>\(view.text(.mostRedeemed))</h3>\(popular.html(view))</div></div></section>
            """
        return view.page(view.text(.analyticsTitle), section: .analytics, body: body, tables: tables)
    }

    static let riskListLength = 20

    /// The members with the most value at risk and the spread of lifetime value; nil before the first model fit.
    func valueOutlook(
        asOf day: PatronCore.CalendarDate
    ) async throws -> ([ChurnRiskEntry], ValueDeciles, StoredModelFit)? {
        do {
            let outlook = try await store.valueOutlook(
                asOf: day, limit: Self.riskListLength, settings: PredictionSettings())
            return (outlook.atRisk, outlook.lifetimeValues, outlook.fit)
        } catch AnalyticsError.noModelFitted {
            return nil
        }
    }

    func segmentTable(_ view: View, _ base: CustomerBase) -> DataTable {
        countTable(
            view, id: "rfm-segments", base: base,
            rows: RFMSegment.allCases.map { (view.text(Self.message($0)), base.segmentCounts[$0, default: 0]) })
    }

    func stageTable(_ view: View, _ base: CustomerBase) -> DataTable {
        countTable(
            view, id: "lifecycle-stages", base: base,
            rows: LifecycleStage.allCases.map { (view.text(Self.message($0)), base.stageCounts[$0, default: 0]) })
    }

    /// Groups of the base with how many customers each holds and their share.
    func countTable(_ view: View, id: String, base: CustomerBase, rows: [(String, Int)]) -> DataTable {
        let formats = view.formats
        return DataTable(
            id: id, caption: nil,
            columns: [
                .init(label: view.text(.segment)), .init(label: view.text(.membersInTier), numeric: true),
                .init(label: view.text(.share), numeric: true),
            ],
            rows: rows.map { name, count in
                [
                    DataTable.Cell(name), .number(count, formats),
                    .percent(base.customers > 0 ? Double(count) / Double(base.customers) : nil, formats),
                ]
            }, rowHeaders: true)
    }

    /// Retention by cohort as a table whose cells are shaded by their value; the value is always written too.
    func cohortTable(_ view: View, _ cohorts: [CohortRetentionMatrix.Cohort]) -> DataTable {
        let formats = view.formats
        let width = cohorts.map(\.activeCustomers.count).max() ?? 0
        return DataTable(
            id: "cohort-retention", caption: nil,
            columns: [.init(label: view.text(.cohort)), .init(label: view.text(.customers), numeric: true)]
                + (0..<width).map { .init(label: String($0), numeric: true) },
            rows: cohorts.map { cohort in
                [
                    DataTable.Cell(
                        shown: "\(Self.monthName(cohort.month, view))", value: Self.isoMonth(cohort.month)),
                    .number(cohort.size, formats),
                ]
                    + cohort.retentionRates.map { rate in
                        .percent(rate / 100, formats, className: "heat-\(min(9, Int(rate / 10)))")
                    }
            }, rowHeaders: true, className: "heatmap")
    }

    func expiryTable(_ view: View, _ liability: PointsLiability) -> DataTable {
        DataTable(
            id: "points-by-expiry", caption: nil,
            columns: [.init(label: view.text(.expiryMonth)), .init(label: view.text(.points), numeric: true)],
            rows: liability.expiringByMonth.map { month, points in
                [DataTable.Cell(month), .number(points, view.formats)]
            }, rowHeaders: true)
    }

    static func isoMonth(_ month: YearMonth) -> String {
        String(month.year) + "-" + (month.month < 10 ? "0" : "") + String(month.month)
    }

    static func monthName(_ month: YearMonth, _ view: View) -> String {
        view.language == .zh ? "\(month.year)年\(month.month)月" : "\(Formats.months[month.month - 1]) \(month.year)"
    }

    static func message(_ segment: RFMSegment) -> Message {
        switch segment {
        case .champions: .segmentChampions
        case .loyal: .segmentLoyal
        case .potentialLoyalist: .segmentPotentialLoyalist
        case .new: .segmentNew
        case .promising: .segmentPromising
        case .needAttention: .segmentNeedAttention
        case .aboutToSleep: .segmentAboutToSleep
        case .atRisk: .segmentAtRisk
        case .cannotLoseThem: .segmentCannotLoseThem
        case .hibernating: .segmentHibernating
        case .lost: .segmentLost
        }
    }

    static func message(_ stage: LifecycleStage) -> Message {
        switch stage {
        case .new: .stageNew
        case .active: .stageActive
        case .dormant: .stageDormant
        case .atRisk: .stageAtRisk
        case .churned: .stageChurned
        }
    }
}
