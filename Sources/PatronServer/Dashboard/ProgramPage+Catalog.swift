import PatronCore
import PatronStore

/// The program page's other lists: how members move between tiers month by month, the rewards catalog with what
/// is left and what was issued, and how referrals convert.
extension ProgramPage {
    static let movementMonths = 12

    func movementsTable(_ view: View, _ months: [TierMovements]) -> DataTable {
        let formats = view.formats
        return DataTable(
            id: "tier-movements", caption: view.text(.tierMovements),
            columns: [
                .init(label: view.text(.month)), .init(label: view.text(.movedUp), numeric: true),
                .init(label: view.text(.movedDown), numeric: true),
            ],
            rows: months.map { month in
                [
                    DataTable.Cell(
                        shown: "\(Self.monthName(month.month, view))",
                        value: String(month.month.isoString.prefix(7))),
                    .number(month.up, formats), .number(month.down, formats),
                ]
            }, rowHeaders: true)
    }

    func movementsFigure(_ view: View, _ months: [TierMovements], table: DataTable) -> Markup {
        let up = months.reduce(0) { $0 + $1.up }
        let down = months.reduce(0) { $0 + $1.down }
        let caption = view.text(
            .tierMovementsCaption,
            ["months": String(months.count), "up": view.formats.exact(up), "down": view.formats.exact(down)])
        let chart = LineChart(
            labels: months.map { Self.monthName($0.month, view) },
            series: [
                .init(name: view.text(.movedUp), values: months.map { Double($0.up) }),
                .init(name: view.text(.movedDown), values: months.map { Double($0.down) }),
            ],
            valueText: { view.formats.compact(Int64($0)) })
        return """
            <figure><figcaption>\(caption)</figcaption>
            \(chart.svg(id: "tier-movements", title: view.text(.tierMovements), description: caption))
            <details><summary>\(view.text(.dataTable))</summary>\(table.html(view))</details></figure>
            """
    }

    func catalogTable(_ view: View, _ offers: [RewardOffer], at now: Timestamp) -> DataTable {
        let formats = view.formats
        return DataTable(
            id: "rewards", caption: nil, empty: view.text(.noRewards),
            columns: [
                .init(label: view.text(.reward)), .init(label: view.text(.name)), .init(label: view.text(.kind)),
                .init(label: view.text(.costPoints), numeric: true), .init(label: view.text(.issued), numeric: true),
                .init(label: view.text(.stockLeft), numeric: true), .init(label: view.text(.status)),
            ],
            rows: offers.map { offer in
                let reward = offer.stored.reward
                return [
                    .code(reward.rewardID), DataTable.Cell(view.language == .zh ? reward.name.zh : reward.name.en),
                    .code(reward.kind.rawValue), .number(reward.costPoints, formats),
                    .number(offer.stored.issued, formats),
                    offer.stored.stockLeft.map { .number($0, formats) } ?? DataTable.Cell(view.text(.unlimited)),
                    DataTable.Cell(view.text(reward.isActive(at: now) ? .offered : .notOffered)),
                ]
            })
    }

    func referralCard(_ view: View, _ counts: [ReferralStatus: Int64]) -> Markup {
        let formats = view.formats
        let linked = counts.values.reduce(0, +)
        let rewarded = counts[.rewarded, default: 0]
        return """
            <section class="card"><h2>\(view.text(.referrals))</h2><dl class="facts">
            <dt>\(view.text(.referralsJoined))</dt><dd>\(formats.exact(linked))</dd>
            <dt>\(view.text(.referralsQualifying))</dt><dd>\(formats.exact(counts[.qualifying, default: 0]))</dd>
            <dt>\(view.text(.referralsRewarded))</dt><dd>\(formats.exact(rewarded))</dd>
            <dt>\(view.text(.conversion))</dt>\
            <dd>\(formats.percent(linked > 0 ? Double(rewarded) / Double(linked) : nil))</dd>
            </dl></section>
            """
    }

    static func monthName(_ month: CalendarDate, _ view: View) -> String {
        view.formats.month(year: month.year, month: month.month)
    }
}
