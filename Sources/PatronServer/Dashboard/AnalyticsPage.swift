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
        async let base = store.customerBase(referenceDate: today)
        async let cohorts = store.cohortRetention(from: firstMonth, to: today)
        async let liability = store.pointsLiability()
        let body: Markup = """
            \(segments(view, try await base))
            \(cohortTable(view, try await cohorts))
            \(expiryTable(view, try await liability))
            """
        return view.page(view.text(.analyticsTitle), section: .analytics, body: body)
    }

    func segments(_ view: View, _ base: CustomerBase) -> Markup {
        let formats = view.formats
        let share = { (count: Int) in formats.percent(base.customers > 0 ? Double(count) / Double(base.customers) : nil)
        }
        let segmentRows: [Markup] = RFMSegment.allCases.map { segment in
            let count = base.segmentCounts[segment, default: 0]
            return """
                <tr><th scope="row">\(view.text(Self.message(segment)))</th>\
                <td class="number">\(formats.exact(count))</td><td class="number">\(share(count))</td></tr>
                """
        }
        let stageRows: [Markup] = LifecycleStage.allCases.map { stage in
            let count = base.stageCounts[stage, default: 0]
            return """
                <tr><th scope="row">\(view.text(Self.message(stage)))</th>\
                <td class="number">\(formats.exact(count))</td><td class="number">\(share(count))</td></tr>
                """
        }
        let head: Markup = """
            <thead><tr><th scope="col">\(view.text(.segment))</th><th scope="col" class="number">\(view.text(.membersInTier))</th>\
            <th scope="col" class="number">\(view.text(.share))</th></tr></thead>
            """
        return """
            <p class="muted">\(view.text(.customersOn, ["customers": formats.exact(base.customers), "date": formats.date(base.referenceDate)]))</p>
            <div class="columns">
            <section><h2>\(view.text(.rfmSegments))</h2><div class="table-scroll"><table>\(head)<tbody>\(segmentRows)</tbody></table></div></section>
            <section><h2>\(view.text(.lifecycleStages))</h2><div class="table-scroll"><table>\(head)<tbody>\(stageRows)</tbody></table></div></section>
            </div>
            """
    }

    /// Retention by cohort as a table whose cells are shaded by their value; the value is always written too.
    func cohortTable(_ view: View, _ cohorts: [CohortRetentionMatrix.Cohort]) -> Markup {
        let formats = view.formats
        let width = cohorts.map(\.activeCustomers.count).max() ?? 0
        let columns: [Markup] = (0..<width).map { "<th scope=\"col\" class=\"number\">\($0)</th>" }
        let rows: [Markup] = cohorts.map { cohort in
            let cells: [Markup] = cohort.retentionRates.map { rate in
                "<td class=\"number heat-\(min(9, Int(rate / 10)))\">\(formats.percent(rate / 100))</td>"
            }
            return """
                <tr><th scope="row">\(Self.monthName(cohort.month, view))</th>\
                <td class="number">\(formats.exact(cohort.size))</td>\(cells)</tr>
                """
        }
        return """
            <figure><figcaption>\(view.text(.cohortCaption))</figcaption><div class="table-scroll"><table class="heatmap">
            <thead><tr><th scope="col">\(view.text(.cohort))</th><th scope="col" class="number">\(view.text(.customers))</th>\
            \(columns)</tr></thead><tbody>\(rows)</tbody></table></div>
            <p class="muted">\(view.text(.cohortHint))</p></figure>
            """
    }

    func expiryTable(_ view: View, _ liability: PointsLiability) -> Markup {
        let formats = view.formats
        let rows: [Markup] = liability.expiringByMonth.map { month, points in
            "<tr><th scope=\"row\">\(month)</th><td class=\"number\">\(formats.exact(points))</td></tr>"
        }
        let total = liability.available + liability.pending
        return """
            <section><h2>\(view.text(.pointsByExpiry))</h2>
            <p>\(view.text(.pointsByExpiryNote, ["total": formats.exact(total), "never": formats.exact(liability.neverExpiring)]))</p>
            <div class="table-scroll"><table><thead><tr><th scope="col">\(view.text(.expiryMonth))</th>\
            <th scope="col" class="number">\(view.text(.points))</th></tr></thead><tbody>\(rows)</tbody></table></div></section>
            """
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
