import Hummingbird
import PatronCore
import PatronStore

/// Finding a member by id, external id, email or phone (through the blind indexes: nothing is decrypted to
/// search), and the member's whole story on one page. Both show personal data, so both are in the audit log.
struct MembersPage {
    let store: Store

    static let journalLength = 20
    static let ordersShown = 10

    func addRoutes(to router: RouterGroup<PatronRequestContext>) {
        router.get("members", use: search)
        router.get("members/{member_id}", use: show)
    }

    @Sendable func search(_ request: Request, context: PatronRequestContext) async throws -> Response {
        let view = View(request: request, context: context)
        guard view.permits(.membersRead) else { return DashboardErrors.forbidden(view) }
        let query = (Form.query("q", in: request) ?? "").trimmingWhitespace()
        var results: Markup = .empty
        if !query.isEmpty {
            let found = try await find(query)
            try await store.audit(
                context.auditEvent("searchMembers", objectIDs: found.map(\.id), request: request))
            results =
                found.isEmpty
                ? "<p role=\"status\">\(view.text(.noMemberFound))</p>"
                : table(view, found, offset: try await store.program().program.utcOffset)
        }
        let body: Markup = """
            <form method="get" action="/members" class="inline card" role="search">
            <div><label for="q">\(view.text(.memberSearchLabel))</label>
            <input id="q" name="q" type="search" value="\(query)" required aria-describedby="q-hint"></div>
            <div><button type="submit">\(view.text(.search))</button></div>
            <p id="q-hint" class="muted">\(view.text(.memberSearchHint))</p>
            </form>
            \(results)
            """
        return view.page(view.text(.membersTitle), section: .members, body: body)
    }

    /// The members `text` names exactly, whichever way it names them.
    func find(_ text: String) async throws -> [Member] {
        var found: [Member?] = [try await store.member(id: text), try await store.member(externalID: text)]
        if let email = EmailAddress(text) { found.append(try await store.member(.email, value: email.value)) }
        if let phone = PhoneNumber(text) { found.append(try await store.member(.phone, value: phone.e164)) }
        var seen = Set<String>()
        return found.compactMap { $0 }.filter { seen.insert($0.id).inserted }
    }

    func table(_ view: View, _ members: [Member], offset: UTCOffset) -> Markup {
        let rows: [Markup] = members.map { member in
            """
            <tr><td><a href="/members/\(member.id)">\(member.name ?? member.id)</a></td>\
            <td>\(member.phone ?? "")</td><td>\(member.email ?? "")</td><td>\(member.externalID ?? "")</td>\
            <td>\(view.formats.date(offset.date(of: member.joinedAt)))</td></tr>
            """
        }
        return """
            <div class="table-scroll"><table><caption>\(view.text(.searchResults))</caption>
            <thead><tr><th scope="col">\(view.text(.name))</th><th scope="col">\(view.text(.phone))</th>\
            <th scope="col">\(view.text(.email))</th><th scope="col">\(view.text(.externalID))</th>\
            <th scope="col">\(view.text(.joined))</th></tr></thead>
            <tbody>\(rows)</tbody></table></div>
            """
    }

    @Sendable func show(_ request: Request, context: PatronRequestContext) async throws -> Response {
        let view = View(request: request, context: context)
        guard view.permits(.membersRead) else { return DashboardErrors.forbidden(view) }
        let memberID = try context.parameters.require("member_id")
        guard let member = try await store.member(id: memberID) else { return DashboardErrors.notFound(view) }
        try await store.audit(context.auditEvent("viewMember", objectIDs: [member.id], request: request))
        let now = store.clock.now
        let (_, program) = try await store.program()
        async let points = store.pointsSummary(memberID: member.id, at: now)
        async let journal = store.pointEntries(memberID: member.id, after: nil, limit: Self.journalLength)
        async let orders = store.orders(memberID: member.id, after: nil, limit: Self.ordersShown)
        async let tier = store.tierView(memberID: member.id, at: now)
        let body: Markup = """
            <div class="columns">
            \(profile(view, member, program: program))
            \(tierCard(view, try await tier, program: program))
            \(pointsCard(view, try await points, program: program))
            </div>
            \(journalTable(view, try await journal.items, balance: try await points?.balance, program: program))
            \(ordersTable(view, try await orders.items, program: program))
            """
        return view.page(member.name ?? member.id, section: .members, body: body)
    }

    func profile(_ view: View, _ member: Member, program: LoyaltyProgram) -> Markup {
        let facts: [(Message, String?)] = [
            (.memberID, member.id), (.externalID, member.externalID), (.email, member.email),
            (.phone, member.phone), (.birthday, member.birthday.map(view.formats.date)),
            (.status, view.text(member.status == .active ? .statusActive : .statusSuspended)),
            (.joined, view.formats.instant(member.joinedAt, offset: program.utcOffset)),
        ]
        let rows: [Markup] = facts.compactMap { label, value in
            value.map { "<dt>\(view.text(label))</dt><dd>\($0)</dd>" }
        }
        return "<section class=\"card\"><h2>\(view.text(.profile))</h2><dl class=\"facts\">\(rows)</dl></section>"
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

    func journalTable(_ view: View, _ entries: [PointEntry], balance: PointBalance?, program: LoyaltyProgram) -> Markup
    {
        let formats = view.formats
        let after = PointBalance.balancesAfter(
            newestFirst: entries.map(\.points), current: (balance?.available ?? 0) + (balance?.pending ?? 0))
        let rows: [Markup] = zip(entries, after).map { entry, balance in
            """
            <tr><td class="nowrap">\(formats.instant(entry.createdAt, offset: program.utcOffset))</td>\
            <td class="nowrap">\(Self.kindName(entry.kind, view))</td>\
            <td>\(entry.reason)</td><td class="number">\(entry.points > 0 ? "+" : "")\(formats.exact(entry.points))</td>\
            <td class="number">\(formats.exact(balance))</td></tr>
            """
        }
        return """
            <section><h2>\(view.text(.journal))</h2><div class="table-scroll"><table>
            <thead><tr><th scope="col">\(view.text(.when))</th><th scope="col">\(view.text(.kind))</th>\
            <th scope="col">\(view.text(.reason))</th><th scope="col" class="number">\(view.text(.points))</th>\
            <th scope="col" class="number">\(view.text(.balanceAfter))</th></tr></thead>
            <tbody>\(rows)</tbody></table></div></section>
            """
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

    func ordersTable(_ view: View, _ orders: [Order], program: LoyaltyProgram) -> Markup {
        let formats = view.formats
        let rows: [Markup] = orders.map { order in
            let currency = Currency(code: order.currency) ?? program.currency
            return """
                <tr><td>\(order.orderID)</td><td class="nowrap">\(formats.instant(order.occurredAt, offset: program.utcOffset))</td>\
                <td>\(order.storeID ?? order.channel)</td><td class="number">\(formats.money(order.totalMinor, currency))</td></tr>
                """
        }
        return """
            <section><h2>\(view.text(.recentOrders))</h2><div class="table-scroll"><table>
            <thead><tr><th scope="col">\(view.text(.order))</th><th scope="col">\(view.text(.when))</th>\
            <th scope="col">\(view.text(.storeOrChannel))</th><th scope="col" class="number">\(view.text(.total))</th></tr></thead>
            <tbody>\(rows)</tbody></table></div></section>
            """
    }
}
