import PatronCore
import PatronStore

/// The parts of a member's page: profile, tier, points with the journal, orders.
extension MembersPage {
    func profile(_ view: View, _ member: Member, program: LoyaltyProgram) -> Markup {
        let facts: [(Message, String?)] = [
            (.memberID, member.id), (.externalID, member.externalID), (.email, member.email),
            (.phone, member.phone), (.birthday, member.birthday.map(view.formats.date)),
            (.status, view.text(Self.name(of: member.status))),
            (.joined, view.formats.instant(member.joinedAt, offset: program.utcOffset)),
        ]
        let rows: [Markup] = facts.compactMap { label, value in
            value.map { "<dt>\(view.text(label))</dt><dd>\($0)</dd>" }
        }
        return "<section class=\"card\"><h2>\(view.text(.profile))</h2><dl class=\"facts\">\(rows)</dl></section>"
    }

    static func name(of status: MemberStatus) -> Message {
        switch status {
        case .active: .statusActive
        case .suspended: .statusSuspended
        case .erased: .statusErased
        }
    }

    func tierCard(_ view: View, _ tier: TierView?, program: LoyaltyProgram) -> Markup {
        guard let tier else {
            return "<section class=\"card\"><h2>\(view.text(.tier))</h2><p>\(view.text(.noTierProgram))</p></section>"
        }
        let name = view.language == .zh ? tier.level.name.zh : tier.level.name.en
        let value = { (amount: Int64) -> String in
            tier.basis == .qualifyingSpend
                ? view.formats.money(amount, program.currency) : view.formats.exact(amount)
        }
        var progress: Markup = "<p>\(view.text(.topTier))</p>"
        if let next = tier.next {
            let nextName = view.language == .zh ? next.next.name.zh : next.next.name.en
            let reached = max(0, next.next.threshold - next.remaining)
            progress = """
                <p><label for="tier-progress">\(view.text(.tierProgress, ["next": nextName, "remaining": value(next.remaining)]))</label>
                <progress id="tier-progress" max="\(Int(next.next.threshold))" value="\(Int(reached))">\
                \(value(reached)) / \(value(next.next.threshold))</progress></p>
                """
        }
        return """
            <section class="card"><h2>\(view.text(.tier))</h2>
            <p class="value">\(name)</p>
            <p>\(view.text(.qualifyingValue)): \(value(tier.qualifyingValue))</p>\(progress)</section>
            """
    }

    func pointsCard(_ view: View, _ summary: PointsSummary?, program: LoyaltyProgram) -> Markup {
        let formats = view.formats
        let balance = summary?.balance
        let expiring: [Markup] = (summary?.lots ?? []).filter { $0.status == .active && $0.expiresAt != nil }
            .prefix(5).map { lot in
                let date = program.utcOffset.date(
                    of: Timestamp(millisecondsSinceEpoch: lot.expiresAt!.millisecondsSinceEpoch - 1))
                return
                    "<li>\(view.text(.expiresOn, ["points": formats.exact(lot.remaining), "date": formats.date(date)]))</li>"
            }
        return """
            <section class="card"><h2>\(view.text(.points))</h2><dl class="facts">
            <dt>\(view.text(.available))</dt><dd>\(formats.exact(balance?.available ?? 0))</dd>
            <dt>\(view.text(.pending))</dt><dd>\(formats.exact(balance?.pending ?? 0))</dd>
            <dt>\(view.text(.lifetimeEarned))</dt><dd>\(formats.exact(balance?.lifetimeEarned ?? 0))</dd>
            </dl>\(expiring.isEmpty ? Markup.empty : "<h3>\(view.text(.whatExpires))</h3><ul>\(expiring)</ul>")</section>
            """
    }

    func journalTable(
        _ view: View, _ entries: [PointEntry], balance: PointBalance?, program: LoyaltyProgram
    ) -> DataTable {
        let formats = view.formats
        let after = PointBalance.balancesAfter(
            newestFirst: entries.map(\.points), current: (balance?.available ?? 0) + (balance?.pending ?? 0))
        return DataTable(
            id: "journal", caption: nil, empty: view.text(.noPointsYet),
            columns: [
                .init(label: view.text(.when)), .init(label: view.text(.kind)), .init(label: view.text(.reason)),
                .init(label: view.text(.points), numeric: true), .init(label: view.text(.balanceAfter), numeric: true),
            ],
            rows: zip(entries, after).map { entry, balance in
                [
                    Self.instant(entry.createdAt, view, program),
                    DataTable.Cell(
                        Self.kindName(entry.kind, view), className: "nowrap"),
                    DataTable.Cell(entry.reason), .number(entry.points, formats, signed: true),
                    .number(balance, formats),
                ]
            })
    }

    /// A moment as the page shows it, and in RFC 3339 in the file.
    static func instant(_ instant: Timestamp, _ view: View, _ program: LoyaltyProgram) -> DataTable.Cell {
        DataTable.Cell(
            shown: "\(view.formats.instant(instant, offset: program.utcOffset))", value: instant.rfc3339,
            className: "nowrap")
    }

    static func kindName(_ kind: String, _ view: View) -> String {
        let message: Message? =
            switch PointEntryKind(rawValue: kind) {
            case .earn: .entryEarn
            case .spend: .entrySpend
            case .expire: .entryExpire
            case .reverse: .entryReverse
            case .adjust: .entryAdjust
            case .cancel: .entryCancel
            case .restore: .entryRestore
            case .settle: .entrySettle
            case nil: nil
            }
        return message.map(view.text) ?? kind
    }

    func ordersTable(_ view: View, _ orders: [Order], program: LoyaltyProgram) -> DataTable {
        DataTable(
            id: "orders", caption: nil, empty: view.text(.noOrdersYet),
            columns: [
                .init(label: view.text(.order)), .init(label: view.text(.when)),
                .init(label: view.text(.storeOrChannel)), .init(label: view.text(.total), numeric: true),
            ],
            rows: orders.map { order in
                [
                    DataTable.Cell(order.orderID), Self.instant(order.occurredAt, view, program),
                    DataTable.Cell(order.storeID ?? order.channel),
                    .money(order.totalMinor, Currency(code: order.currency) ?? program.currency, view.formats),
                ]
            })
    }
}
