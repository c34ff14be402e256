import Foundation
import Hummingbird
import PatronCore
import PatronStore

/// The program at a glance: members, sales and points of a period, each against the period just before it, and
/// sales by day.
struct OverviewPage {
    let store: Store

    func addRoutes(to router: RouterGroup<PatronRequestContext>) {
        router.get("/", use: show)
    }

    /// One tile: a figure of the period and how it moved.
    struct Tile {
        var label: Message
        var value: String
        var change: Markup
    }

    @Sendable func show(_ request: Request, context: PatronRequestContext) async throws -> Response {
        let view = View(request: request, context: context)
        guard view.permits(.reportsRead) else { return DashboardErrors.forbidden(view) }
        let today = try await store.today()
        let (period, refused) = Period.read(request, today: today)
        let (_, program) = try await store.program()
        let currency = program.currency
        async let current = store.periodActivity(from: period.from, to: period.to)
        async let previous = store.periodActivity(from: period.previous.from, to: period.previous.to)
        async let flow = store.pointsFlow(from: period.from, to: period.to)
        async let previousFlow = store.pointsFlow(from: period.previous.from, to: period.previous.to)
        async let held = store.pointsOutstanding()
        let (now, before) = try await (current, previous)
        let (points, pointsBefore, owed) = try await (flow, previousFlow, held)

        let formats = view.formats
        func count(_ label: Message, _ value: Int64, _ earlier: Int64) -> Tile {
            Tile(
                label: label, value: formats.compact(value),
                change: change(view, relative: Self.relativeChange(Double(value), Double(earlier)), period: period))
        }
        func rate(_ label: Message, _ value: Double?, _ earlier: Double?) -> Tile {
            let points = value.flatMap { value in earlier.map { (value - $0) * 100 } }
            return Tile(
                label: label, value: formats.percent(value), change: change(view, points: points, period: period))
        }
        var revenue = count(.revenue, now.revenueMinor, before.revenueMinor)
        revenue.value = formats.compactMoney(now.revenueMinor, currency)
        let tiles = [
            count(.members, Int64(now.members), Int64(before.members)),
            count(.activeMembers, Int64(now.purchasing), Int64(before.purchasing)),
            revenue,
            count(.orders, Int64(now.orders), Int64(before.orders)),
            rate(.repurchaseRate, now.repurchaseRate, before.repurchaseRate),
            count(.pointsIssued, points.issued, pointsBefore.issued),
            count(.pointsRedeemed, points.redeemed, pointsBefore.redeemed),
            count(.pointsExpired, points.expired, pointsBefore.expired),
            rate(.redemptionRate, points.redemptionRate, pointsBefore.redemptionRate),
            rate(.breakageRate, points.breakageRate, pointsBefore.breakageRate),
            Tile(
                label: .pointsLiability, value: formats.compact(owed),
                change:
                    "\(view.text(.liabilityNote, ["change": (points.net > 0 ? "+" : "") + formats.exact(points.net)]))"),
        ]
        let tileList: [Markup] = tiles.map { tile in
            """
            <li class="tile" id="tile-\(tile.label.rawValue)"><h2>\(view.text(tile.label))</h2><p class="value">\(tile.value)</p>\
            <p class="change">\(tile.change)</p></li>
            """
        }
        let salesTable = self.salesTable(view, days: now.days, currency: currency)
        let notice: Markup = refused ? "<p class=\"problem\" role=\"alert\">\(view.text(.periodRefused))</p>" : .empty
        let body: Markup = """
            \(periodForm(view, period: period, today: today))\(notice)
            <p class="muted">\(view.text(.periodShown, ["from": formats.date(period.from), "to": formats.date(period.to), "days": String(period.days)]))</p>
            <ul class="tiles">\(tileList)</ul>
            \(salesFigure(view, period: period, days: now.days, before: before.days, table: salesTable, currency: currency))
            """
        return view.page(view.text(.overviewTitle), section: .overview, body: body, tables: [salesTable])
    }

    func periodForm(_ view: View, period: Period, today: CalendarDate) -> Markup {
        let presets: [Markup] = Period.presets.map { days in
            let preset = Period.last(days, endingOn: today)
            let current: Markup = preset == period ? " aria-current=\"true\"" : ""
            return
                "<li><a href=\"/?\(preset.query)\"\(current)>\(view.text(.lastDays, ["days": String(days)]))</a></li>"
        }
        return """
            <form method="get" action="/" class="inline card" aria-label="\(view.text(.period))">
            <div><label for="from">\(view.text(.periodFrom))</label>
            <input id="from" name="from" type="date" value="\(period.from.isoString)" required></div>
            <div><label for="to">\(view.text(.periodTo))</label>
            <input id="to" name="to" type="date" value="\(period.to.isoString)" required></div>
            <div><button type="submit">\(view.text(.show))</button></div>
            <ul class="presets">\(presets)</ul>
            </form>
            """
    }

    func salesTable(_ view: View, days: [DailySales], currency: Currency) -> DataTable {
        let formats = view.formats
        return DataTable(
            id: "sales-by-day", caption: view.text(.revenueByDay),
            columns: [
                .init(label: view.text(.day)), .init(label: view.text(.revenue), numeric: true),
                .init(label: view.text(.orders), numeric: true), .init(label: view.text(.customers), numeric: true),
            ],
            rows: days.map { day in
                [
                    DataTable.Cell(shown: "\(formats.date(day.day))", value: day.day.isoString),
                    .money(day.revenueMinor, currency, formats), .number(day.orders, formats),
                    .number(day.customers, formats),
                ]
            }, rowHeaders: true)
    }

    func salesFigure(
        _ view: View, period: Period, days: [DailySales], before: [DailySales], table: DataTable, currency: Currency
    ) -> Markup {
        let formats = view.formats
        let total = days.reduce(0) { $0 + $1.revenueMinor }
        let totalBefore = before.reduce(0) { $0 + $1.revenueMinor }
        let movement = Self.relativeChange(Double(total), Double(totalBefore))
        let caption = view.text(
            movement.map { $0 >= 0 ? .revenueCaptionUp : .revenueCaptionDown } ?? .revenueCaption,
            [
                "total": formats.money(total, currency), "days": String(period.days),
                "change": formats.percent(movement.map(abs)),
            ])
        let scale = pow(10, Double(currency.minorUnitDigits))
        let chart = LineChart(
            labels: days.map { formats.shortDate($0.day) },
            series: [
                .init(name: view.text(.thisPeriod), values: days.map { Double($0.revenueMinor) / scale }),
                .init(name: view.text(.previousPeriod), values: before.map { Double($0.revenueMinor) / scale }),
            ],
            valueText: { Formats.sign(currency) + formats.compact(Int64($0)) })
        return """
            <figure><figcaption id="sales-caption">\(caption)</figcaption>
            \(chart.svg(id: "sales", title: view.text(.revenueByDay), description: caption))
            <details><summary>\(view.text(.dataTable))</summary>\(table.html(view))</details></figure>
            """
    }

    /// How a count moved against the period before, in words and an arrow as well as colour.
    func change(_ view: View, relative: Double?, period: Period) -> Markup {
        guard let relative else { return "\(view.text(.noEarlierFigure))" }
        return direction(view, relative, text: view.formats.percent(abs(relative)), period: period)
    }

    /// How a rate moved, in percentage points.
    func change(_ view: View, points: Double?, period: Period) -> Markup {
        guard let points else { return "\(view.text(.noEarlierFigure))" }
        let text = view.text(.percentagePoints, ["points": Formats.trimmed(abs(points), digits: 1)])
        return direction(view, points / 100, text: text, period: period)
    }

    private func direction(_ view: View, _ movement: Double, text: String, period: Period) -> Markup {
        let days = ["change": text, "days": String(period.days)]
        if abs(movement) < 0.0005 { return "\(view.text(.changeFlat, days))" }
        return movement > 0
            ? "<span class=\"up\">▲ \(view.text(.changeUp, days))</span>"
            : "<span class=\"down\">▼ \(view.text(.changeDown, days))</span>"
    }

    /// (value − earlier) ÷ earlier, nil when there is nothing earlier to compare with.
    static func relativeChange(_ value: Double, _ earlier: Double) -> Double? {
        earlier > 0 ? (value - earlier) / earlier : nil
    }
}
