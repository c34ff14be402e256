import PatronAnalytics
import PatronCore
import PatronStore

/// Lifetime value on the analytics page: how it is spread over the customers, and whom the program most stands to
/// lose (lifetime value × the chance they have already gone).
extension AnalyticsPage {
    func valueSection(_ view: View, _ deciles: ValueDeciles, decileTable: DataTable, riskTable: DataTable) -> Markup {
        let formats = view.formats
        let top = deciles.deciles.first?.share
        let caption = view.text(.valueCaption, ["share": formats.percent(top)])
        let chart = BarChart(
            bars: deciles.deciles.map { decile in
                .init(
                    label: Self.decileName(decile.rank, view), value: decile.share,
                    valueText: formats.percent(decile.share))
            })
        return """
            <section><h2>\(view.text(.lifetimeValueTitle))</h2>
            <figure><figcaption>\(caption)</figcaption>
            \(chart.svg(id: "value-deciles", title: view.text(.valueByTenth), description: caption))
            <details><summary>\(view.text(.dataTable))</summary>\(decileTable.html(view))</details></figure>
            <h3>\(view.text(.mostAtRisk))</h3><p class="muted">\(view.text(.mostAtRiskHint))</p>
            \(riskTable.html(view))</section>
            """
    }

    func decileTable(_ view: View, _ deciles: ValueDeciles, currency: Currency) -> DataTable {
        let formats = view.formats
        let money = { (value: Double) in DataTable.Cell.money(Int64(value.rounded()), currency, formats) }
        return DataTable(
            id: "lifetime-value-tenths", caption: view.text(.valueByTenth),
            columns: [
                .init(label: view.text(.customersRanked)), .init(label: view.text(.customers), numeric: true),
                .init(label: view.text(.lowestValue), numeric: true),
                .init(label: view.text(.highestValue), numeric: true),
                .init(label: view.text(.totalValue), numeric: true), .init(label: view.text(.share), numeric: true),
            ],
            rows: deciles.deciles.map { decile in
                [
                    DataTable.Cell(Self.decileName(decile.rank, view)), .number(decile.customers, formats),
                    money(decile.lowest), money(decile.highest), money(decile.total), .percent(decile.share, formats),
                ]
            }, rowHeaders: true)
    }

    /// Members shown by id (the page is for reports and holds no personal data), linked for those who may open them.
    func riskTable(_ view: View, _ entries: [AnalyticsSnapshot.RiskEntry], currency: Currency) -> DataTable {
        let formats = view.formats
        let linked = view.permits(.membersRead)
        return DataTable(
            id: "churn-risk", caption: nil, empty: view.text(.noOrdersYet),
            columns: [
                .init(label: view.text(.memberID)), .init(label: view.text(.orders), numeric: true),
                .init(label: view.text(.lastOrder)), .init(label: view.text(.probabilityAlive), numeric: true),
                .init(label: view.text(.lifetimeValue), numeric: true),
                .init(label: view.text(.valueAtRisk), numeric: true),
            ],
            rows: entries.map { entry in
                let id = entry.memberID
                let last = entry.lastOrder
                return [
                    linked ? .link(id, to: "/members/\(id)") : .code(id), .number(entry.orders, formats),
                    DataTable.Cell(shown: "\(formats.date(last))", value: last.isoString),
                    .percent(entry.probabilityAlive, formats),
                    .money(Int64(entry.lifetimeValue.rounded()), currency, formats),
                    .money(Int64(entry.valueAtRisk.rounded()), currency, formats),
                ]
            })
    }

    /// Every point ever earned, in the one bucket it is in now; the buckets add up to what was earned.
    func pointsTable(_ view: View, _ report: AnalyticsSnapshot.PointOutcomes) -> DataTable {
        let formats = view.formats
        let buckets: [(Message, Int64)] = [
            (.pointsRedeemed, report.redeemed), (.pointsExpired, report.expired), (.pointsReversed, report.reversed),
            (.pointsOutstanding, report.outstanding), (.pointsEarned, report.earned),
        ]
        return DataTable(
            id: "points-by-outcome", caption: nil,
            columns: [
                .init(label: view.text(.pointsOutcome)), .init(label: view.text(.points), numeric: true),
                .init(label: view.text(.shareOfEarned), numeric: true),
            ],
            rows: buckets.map { message, points in
                [
                    DataTable.Cell(view.text(message)), .number(points, formats),
                    .percent(report.earned > 0 ? Double(points) / Double(report.earned) : nil, formats),
                ]
            }, rowHeaders: true)
    }

    func popularRewardsTable(_ view: View, _ report: AnalyticsSnapshot.PointOutcomes) -> DataTable {
        DataTable(
            id: "most-redeemed", caption: nil, empty: view.text(.noRedemptions),
            columns: [.init(label: view.text(.reward)), .init(label: view.text(.issued), numeric: true)],
            rows: report.mostRedeemed.map { reward in
                [.code(reward.rewardID), .number(reward.count, view.formats)]
            })
    }

    static func decileName(_ rank: Int, _ view: View) -> String {
        rank == 1
            ? view.text(.topTenth)
            : view.text(.tenthRange, ["from": String((rank - 1) * 10), "to": String(rank * 10)])
    }
}
