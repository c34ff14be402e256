import Hummingbird
import PatronCore
import PatronStore

/// Finding a member by id, external id, email or phone (through the blind indexes: nothing is decrypted to
/// search), and the member's whole story on one page. Both show personal data, so both are in the audit log.
struct MembersPage {
    let store: Store

    static let journalLength = 20
    static let ordersShown = 10
    static let couponsShown = 10

    func addRoutes(to router: RouterGroup<PatronRequestContext>) {
        router.get("members", use: search)
        router.get("members/{member_id}", use: show)
        let actions = MemberActions(page: self)
        router.post("members/{member_id}/points", use: actions.adjustPoints)
        router.post("members/{member_id}/gifts", use: actions.giveReward)
        router.post("members/{member_id}/profile", use: actions.editProfile)
        router.post("members/{member_id}/export", use: actions.exportMember)
        router.post("members/{member_id}/erasure", use: actions.eraseMember)
    }

    @Sendable func search(_ request: Request, context: PatronRequestContext) async throws -> Response {
        let view = View(request: request, context: context)
        guard view.permits(.membersRead) else { return DashboardErrors.forbidden(view) }
        let query = (Form.query("q", in: request) ?? "").trimmingWhitespace()
        var results: Markup = .empty
        var tables: [DataTable] = []
        if !query.isEmpty {
            let found = try await find(query)
            try await store.audit(
                context.auditEvent("searchMembers", objectIDs: found.map(\.id), request: request))
            tables = found.isEmpty ? [] : [table(view, found, offset: try await store.program().program.utcOffset)]
            results = tables.first?.html(view) ?? "<p role=\"status\">\(view.text(.noMemberFound))</p>"
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
        return view.page(view.text(.membersTitle), section: .members, body: body, tables: tables)
    }

    /// The members `text` names exactly, whichever way it names them.
    func find(_ text: String) async throws -> [Member] {
        var found: [Member?] = [try await store.member(id: text), try await store.member(externalID: text)]
        if let email = EmailAddress(text) { found.append(try await store.member(.email, value: email.value)) }
        if let phone = PhoneNumber(text) { found.append(try await store.member(.phone, value: phone.e164)) }
        var seen = Set<String>()
        return found.compactMap { $0 }.filter { seen.insert($0.id).inserted }
    }

    func table(_ view: View, _ members: [Member], offset: UTCOffset) -> DataTable {
        DataTable(
            id: "members", caption: view.text(.searchResults),
            columns: [
                .init(label: view.text(.name)), .init(label: view.text(.phone)), .init(label: view.text(.email)),
                .init(label: view.text(.externalID)), .init(label: view.text(.joined)),
            ],
            rows: members.map { member in
                [
                    .link(member.name ?? member.id, to: "/members/\(member.id)"), DataTable.Cell(member.phone ?? ""),
                    DataTable.Cell(member.email ?? ""), DataTable.Cell(member.externalID ?? ""),
                    DataTable.Cell(
                        shown: "\(view.formats.date(offset.date(of: member.joinedAt)))",
                        value: offset.date(of: member.joinedAt).isoString),
                ]
            })
    }

    @Sendable func show(_ request: Request, context: PatronRequestContext) async throws -> Response {
        let view = View(request: request, context: context)
        guard view.permits(.membersRead) else { return DashboardErrors.forbidden(view) }
        let memberID = try context.parameters.require("member_id")
        guard let member = try await store.member(id: memberID) else { return DashboardErrors.notFound(view) }
        let notice = Form.query("done", in: request).flatMap(MemberActions.Done.init).map { done -> Markup in
            "<p class=\"notice\" role=\"status\">\(view.text(done.message))</p>"
        }
        return try await render(view, member, notice: notice ?? .empty, context: context, request: request)
    }

    /// The member's whole page, with `notice` (a confirmation or the problems of a refused action) on top and the
    /// action forms holding `drafts`.
    func render(
        _ view: View, _ member: Member, notice: Markup, drafts: MemberActions.Drafts = .init(),
        status: HTTPResponse.Status = .ok, context: PatronRequestContext, request: Request
    ) async throws -> Response {
        try await store.audit(context.auditEvent("viewMember", objectIDs: [member.id], request: request))
        let now = store.clock.now
        let (_, program) = try await store.program()
        async let points = store.pointsSummary(memberID: member.id, at: now)
        async let journal = store.pointEntries(memberID: member.id, after: nil, limit: Self.journalLength)
        async let orders = store.orders(memberID: member.id, after: nil, limit: Self.ordersShown)
        async let tier = store.tierView(memberID: member.id, at: now)
        async let coupons = store.redemptions(memberID: member.id, after: nil, limit: Self.couponsShown)
        async let referral = store.referralSummary(memberID: member.id)
        async let outlook = store.memberOutlook(
            memberID: member.id, asOf: try await store.today(), settings: PredictionSettings())
        let erased = member.status == .erased
        async let catalog =
            view.permits(.pointsAdjust) && !erased
            ? store.rewardOffers(memberID: member.id, at: now, asGift: true) : []
        async let consents = store.consents(of: member.id)
        let journalTable = self.journalTable(
            view, try await journal.items, balance: try await points?.balance, program: program)
        let ordersTable = self.ordersTable(view, try await orders.items, program: program)
        let couponsTable = self.couponsTable(view, try await coupons.items, at: now, program: program)
        let pointForms =
            view.permits(.pointsAdjust) && !erased
            ? MemberActions.pointForms(view, member: member, catalog: try await catalog, drafts: drafts) : .empty
        let profileForm =
            view.permits(.membersWrite) && !erased ? MemberActions.profileForm(view, member, drafts: drafts) : .empty
        let erasure: Markup =
            erased
            ? """
            <p class="notice" role="status">\(view.text(.erasedOn, ["date": view.formats.instant(member.updatedAt, offset: program.utcOffset)]))</p>
            """ : .empty
        let actions: Markup =
            "\(pointForms)\(profileForm)\(privacyCard(view, member, consents: try await consents.current, offset: program.utcOffset))"
        let body: Markup = """
            \(notice)\(erasure)
            <div class="columns">
            \(profile(view, member, program: program))
            \(tierCard(view, try await tier, program: program))
            \(pointsCard(view, try await points, program: program))
            \(outlookCard(view, try await outlook, program: program))
            \(referralCard(view, try await referral))
            </div>
            \(actions)
            <section><h2>\(view.text(.journal))</h2>\(journalTable.html(view))</section>
            <section><h2>\(view.text(.recentOrders))</h2>\(ordersTable.html(view))</section>
            <section><h2>\(view.text(.coupons))</h2>\(couponsTable.html(view))</section>
            """
        return view.page(
            member.name ?? member.id, section: .members, body: body, tables: [journalTable, ordersTable, couponsTable],
            status: status)
    }
}
