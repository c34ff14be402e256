import Hummingbird
import PatronAnalytics
import PatronCore
import PatronStore

/// The customer base at a glance: RFM segments and lifecycle stages, lifetime value and who is most at risk, how
/// each month's new customers kept coming back, when the points members hold expire, and what became of every
/// point. All from the day's snapshot (``AnalyticsSnapshot``), which says when it was computed and can be computed
/// again on request.
struct AnalyticsPage {
    let store: Store

    func addRoutes(to router: RouterGroup<PatronRequestContext>) {
        router.get("analytics", use: show)
        router.post("analytics/refresh", use: refresh)
    }

    @Sendable func show(_ request: Request, context: PatronRequestContext) async throws -> Response {
        let view = View(request: request, context: context)
        guard view.permits(.reportsRead) else { return DashboardErrors.forbidden(view) }
        let snapshot = try await store.analyticsSnapshot(asOf: try await store.today())
        let (_, program) = try await store.program()
        let formats = view.formats
        let segments = segmentTable(view, snapshot)
        let stages = stageTable(view, snapshot)
        let cohortTable = self.cohortTable(view, snapshot.cohorts)
        let expiry = expiryTable(view, snapshot.liability)
        let points = pointsTable(view, snapshot.points)
        let popular = popularRewardsTable(view, snapshot.points)
        var tables = [segments, stages, cohortTable, expiry, points, popular]
        var value: Markup =
            "<section><h2>\(view.text(.lifetimeValueTitle))</h2><p>\(view.text(.noModelFitted))</p></section>"
        if let deciles = snapshot.lifetimeValues {
            let decileTable = self.decileTable(view, deciles, currency: program.currency)
            let riskTable = self.riskTable(view, snapshot.atRisk, currency: program.currency)
            tables += [decileTable, riskTable]
            value = valueSection(view, deciles, decileTable: decileTable, riskTable: riskTable)
        }
        let computed = view.text(
            .snapshotComputed,
            [
                "customers": formats.exact(snapshot.customers), "date": formats.date(snapshot.asOf),
                "time": formats.instant(snapshot.computedAt, offset: program.utcOffset),
            ])
        let body: Markup = """
            <form method="post" action="/analytics/refresh" class="inline">\(view.csrfField)
            <p class="muted">\(computed)</p><button type="submit" class="secondary">\(view.text(.recompute))</button></form>
            <div class="columns">
            <section><h2>\(view.text(.rfmSegments))</h2>\(segments.html(view))</section>
            <section><h2>\(view.text(.lifecycleStages))</h2>\(stages.html(view))</section>
            </div>
            \(value)
            <figure><figcaption>\(view.text(.cohortCaption))</figcaption>\(cohortTable.html(view))
            <p class="muted">\(view.text(.cohortHint))</p></figure>
            <section><h2>\(view.text(.pointsByExpiry))</h2>
            <p>\(view.text(.pointsByExpiryNote, ["total": formats.exact(snapshot.liability.held), "never": formats.exact(snapshot.liability.neverExpiring)]))</p>
            \(expiry.html(view))</section>
            <section><h2>\(view.text(.rewardsReport))</h2><p>\(view.text(.rewardsReportNote))</p>
            <div class="columns"><div>\(points.html(view))</div>
            <div><h3>\(view.text(.mostRedeemed))</h3>\(popular.html(view))</div></div></section>
            """
        return view.page(view.text(.analyticsTitle), section: .analytics, body: body, tables: tables)
    }

    /// Computes today's figures again now, for whoever needs what happened since the snapshot was made.
    @Sendable func refresh(_ request: Request, context: PatronRequestContext) async throws -> Response {
        let view = View(request: request, context: context)
        guard view.permits(.reportsRead) else { return DashboardErrors.forbidden(view) }
        try await store.refreshAnalyticsSnapshot(asOf: try await store.today())
        return DashboardGate.redirect(to: "/analytics")
    }

    func segmentTable(_ view: View, _ snapshot: AnalyticsSnapshot) -> DataTable {
        countTable(
            view, id: "rfm-segments", customers: snapshot.customers,
            rows: RFMSegment.allCases.map { (view.text(Self.message($0)), snapshot.count(of: $0)) })
    }

    func stageTable(_ view: View, _ snapshot: AnalyticsSnapshot) -> DataTable {
        countTable(
            view, id: "lifecycle-stages", customers: snapshot.customers,
            rows: LifecycleStage.allCases.map { (view.text(Self.message($0)), snapshot.count(of: $0)) })
    }

    /// Groups of the base with how many customers each holds and their share.
    func countTable(_ view: View, id: String, customers: Int, rows: [(String, Int)]) -> DataTable {
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
                    .percent(customers > 0 ? Double(count) / Double(customers) : nil, formats),
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

    func expiryTable(_ view: View, _ liability: AnalyticsSnapshot.Liability) -> DataTable {
        DataTable(
            id: "points-by-expiry", caption: nil,
            columns: [.init(label: view.text(.expiryMonth)), .init(label: view.text(.points), numeric: true)],
            rows: liability.byMonth.map { month in
                [DataTable.Cell(month.month), .number(month.points, view.formats)]
            }, rowHeaders: true)
    }

    static func isoMonth(_ month: YearMonth) -> String {
        String(month.year) + "-" + (month.month < 10 ? "0" : "") + String(month.month)
    }

    static func monthName(_ month: YearMonth, _ view: View) -> String {
        view.formats.month(year: month.year, month: month.month)
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
