import Foundation
import Hummingbird
import PatronCore
import PatronStore

/// The program as its people run it: the earning rules, each editable as the API's JSON with the API's
/// validation, and the tiers with how many members hold each. An edit names the program version it was made
/// on: if someone else changed the program since, the second person is told and shown what is there now.
struct ProgramPage {
    let store: Store

    func addRoutes(to router: RouterGroup<PatronRequestContext>) {
        router.get("program", use: show)
        router.get("program/rules/{rule_id}", use: editRule)
        router.post("program/rules/{rule_id}", use: saveRule)
        router.post("program/rules/{rule_id}/try", use: tryRule)
        router.post("program/surprises", use: SurpriseCampaigns(page: self).run)
    }

    @Sendable func show(_ request: Request, context: PatronRequestContext) async throws -> Response {
        let view = View(request: request, context: context)
        guard view.permits(.programWrite) else { return DashboardErrors.forbidden(view) }
        return try await render(view, request: request)
    }

    /// The page, with the new surprise campaign's form as typed and what its preview found or why it was refused.
    func render(
        _ view: View, request: Request,
        surprise: (draft: SurpriseCampaigns.Draft, notice: SurpriseCampaigns.Notice)? = nil,
        status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        let (version, program) = try await store.program()
        let now = store.clock.now
        async let perTier = store.membersPerTier()
        async let moves = store.tierMovements(months: Self.movementMonths, endingWith: try await store.today())
        async let offers = store.rewardOffers(memberID: nil, at: now)
        async let referrals = store.referralCounts()
        async let surprises = store.surpriseCampaigns(limit: SurpriseCampaigns.listed)
        let members = try await perTier
        let formats = view.formats
        let saved = Form.query("saved", in: request).map { rule -> Markup in
            "<p class=\"notice\" role=\"status\">\(view.text(.ruleSaved, ["rule": rule]))</p>"
        }
        let rules = DataTable(
            id: "rules", caption: nil,
            columns: [
                .init(label: view.text(.ruleID)), .init(label: view.text(.name)), .init(label: view.text(.kind)),
                .init(label: view.text(.priority), numeric: true),
            ],
            rows: program.rules.sorted { ($0.priority, $0.ruleID) < ($1.priority, $1.ruleID) }.map { rule in
                [
                    .link(rule.ruleID, to: "/program/rules/\(rule.ruleID.addingPercentEncodingForQuery())"),
                    DataTable.Cell(rule.name ?? ""), .code(rule.kind.rawValue), .number(Int64(rule.priority), formats),
                ]
            })
        let tiers = DataTable(
            id: "tiers", caption: nil,
            columns: [
                .init(label: view.text(.tier)), .init(label: view.text(.threshold), numeric: true),
                .init(label: view.text(.multiplier), numeric: true),
                .init(label: view.text(.membersInTier), numeric: true),
            ],
            rows: program.tiers.levels.map { level in
                [
                    DataTable.Cell(view.language == .zh ? level.name.zh : level.name.en),
                    program.tiers.basis == .qualifyingSpend
                        ? .money(level.threshold, program.currency, formats) : .number(level.threshold, formats),
                    DataTable.Cell(
                        shown: "\(level.multiplier.description)",
                        value: String(level.multiplier.description.dropFirst()),
                        isNumber: true),
                    .number(members[level.tierID, default: 0], formats),
                ]
            }, rowHeaders: true)
        let movements = try await moves
        let movementsTable = self.movementsTable(view, movements)
        let catalogOffers = try await offers
        let catalog = catalogTable(view, catalogOffers, at: now)
        let name = { (offer: RewardOffer) in
            view.language == .zh ? offer.stored.reward.name.zh : offer.stored.reward.name.en
        }
        let campaigns = SurpriseCampaigns(page: self)
        let runs = try await surprises
        let surpriseTable = campaigns.table(
            view, runs, program: program,
            rewards: Dictionary(catalogOffers.map { ($0.stored.reward.rewardID, name($0)) }) { first, _ in first })
        let surprised = Form.query("surprised", in: request).flatMap { id in
            runs.first { $0.campaign.campaignID == id }
        }.map { run -> Markup in
            let given = view.text(
                .surpriseGiven, ["campaign": run.campaign.campaignID, "given": view.formats.exact(run.given)])
            return "<p class=\"notice\" role=\"status\">\(given)</p>"
        }
        let surpriseForm =
            view.permits(.campaignsWrite)
            ? campaigns.form(
                view, surprise?.draft ?? SurpriseCampaigns.Draft(), notice: surprise?.notice, program: program,
                rewards: catalogOffers.filter(\.refusals.isEmpty).map {
                    (id: $0.stored.reward.rewardID, name: name($0))
                })
            : .empty
        let body: Markup = """
            \(saved)<p class="muted">\(view.text(.programVersion, ["version": String(version)]))</p>
            <section><h2>\(view.text(.earningRules))</h2>\(rules.html(view))</section>
            <section><h2>\(view.text(.tiers))</h2>\(tiers.html(view))
            \(movementsFigure(view, movements, table: movementsTable))</section>
            <section><h2>\(view.text(.rewardsCatalog))</h2>\(catalog.html(view))</section>
            <div class="columns">\(referralCard(view, try await referrals))</div>
            <section id="surprises"><h2>\(view.text(.surpriseCampaigns))</h2>\(surprised)\(surpriseTable.html(view))
            \(surpriseForm)</section>
            """
        return view.page(
            view.text(.programTitle), section: .program, body: body,
            tables: [rules, tiers, movementsTable, catalog, surpriseTable], status: status)
    }

    /// A rule as someone is editing it: the JSON they typed, the program version they started from, and the order
    /// they try it on.
    struct Draft {
        var ruleID: String
        var text: String
        var version: Int64
        var trial = RuleTrial()

        init(ruleID: String, text: String, version: Int64) {
            self.ruleID = ruleID
            self.text = text
            self.version = version
        }

        /// The draft a form post carries; a missing version reads as 0, which no program has.
        init(ruleID: String, fields: [String: String]) {
            self.init(
                ruleID: ruleID, text: fields["rule"] ?? "", version: fields["version"].flatMap(Int64.init) ?? 0)
            trial = RuleTrial(fields)
        }

        /// The rule the text says, checked as the API checks it, or what is wrong with it.
        func rule(_ view: View) -> Result<EarningRule, Problems> {
            guard case .object(var object)? = try? JSONDecoder().decode(JSONValue.self, from: Data(text.utf8)) else {
                return .failure(Problems(messages: [view.text(.ruleNotJSON)]))
            }
            object["rule_id"] = .string(ruleID)
            do {
                let rule = try EarningRule.parse(.object(object))
                return .success(rule)
            } catch {
                return .failure(Problems(messages: error.errors.map { "\($0.pointer): \($0.detail)" }))
            }
        }
    }

    /// What is wrong with a draft, in sentences for the page.
    struct Problems: Error {
        var messages: [String]
    }

    @Sendable func editRule(_ request: Request, context: PatronRequestContext) async throws -> Response {
        let view = View(request: request, context: context)
        guard view.permits(.programWrite) else { return DashboardErrors.forbidden(view) }
        let ruleID = try context.parameters.require("rule_id")
        let (version, program) = try await store.program()
        guard let rule = program.rules.first(where: { $0.ruleID == ruleID }) else {
            return DashboardErrors.notFound(view)
        }
        return form(view, Draft(ruleID: ruleID, text: try Self.text(of: rule), version: version), problems: [])
    }

    @Sendable func saveRule(_ request: Request, context: PatronRequestContext) async throws -> Response {
        try await withDraft(request, context: context) { view, draft, rule, fields, request in
            guard fields["version"].flatMap(Int64.init) != nil else {
                return form(view, draft, problems: [view.text(.programChanged)])
            }
            do {
                _ = try await store.changeProgram(acceptedVersions: [draft.version], actor: context.actorID) {
                    guard $0.put(rule) else { throw ProgramError.ruleNotFound(ruleID: rule.ruleID) }
                }
            } catch ProgramError.versionMismatch(let current) {
                // Theirs is shown beside what this person wrote, which is kept, to redo the change on theirs.
                let (_, program) = try await store.program()
                let theirs = try program.rules.first { $0.ruleID == rule.ruleID }.map(Self.text(of:)) ?? ""
                var draft = draft
                draft.version = current
                return form(
                    view, draft, problems: [view.text(.programChangedSince)], theirs: theirs, status: .conflict)
            } catch ProgramError.ruleNotFound {
                return DashboardErrors.notFound(view)
            }
            try await store.audit(context.auditEvent("putRule", objectIDs: [rule.ruleID], request: request))
            return DashboardGate.redirect(to: "/program?saved=" + rule.ruleID.addingPercentEncodingForQuery())
        }
    }

    /// What the trial order earns under the program now and with the draft; nothing is saved.
    @Sendable func tryRule(_ request: Request, context: PatronRequestContext) async throws -> Response {
        try await withDraft(request, context: context) { view, draft, rule, _, _ in
            let (_, program) = try await store.program()
            let now = store.clock.now
            switch draft.trial.submission(currency: program.currency, at: now) {
            case .failure(let failure):
                let problems = failure.errors.map { "\($0.pointer): \($0.detail)" }
                return form(view, draft, problems: problems, status: .unprocessableContent)
            case .success(let order):
                let current = try await store.simulate(order, at: now.millisecondsSinceEpoch)
                let changed = try await store.simulate(order, at: now.millisecondsSinceEpoch, draft: rule)
                return form(
                    view, draft, problems: [],
                    outcome: RuleTrial.outcome(view, now: current.award, draft: changed.award))
            }
        }
    }

    /// What saving and trying share: the permission, the draft the form carries and its rule checked as the API
    /// checks it; a rule that does not pass is shown again with its problems and the text kept.
    private func withDraft(
        _ request: Request, context: PatronRequestContext,
        _ body: (View, Draft, EarningRule, [String: String], Request) async throws -> Response
    ) async throws -> Response {
        var request = request
        let fields = try await Form.read(&request)
        let view = View(request: request, context: context)
        guard view.permits(.programWrite) else { return DashboardErrors.forbidden(view) }
        let draft = Draft(ruleID: try context.parameters.require("rule_id"), fields: fields)
        switch draft.rule(view) {
        case .success(let rule):
            return try await body(view, draft, rule, fields, request)
        case .failure(let problems):
            return form(view, draft, problems: problems.messages, status: .unprocessableContent)
        }
    }

    static func text(of rule: EarningRule) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(rule), as: UTF8.self)
    }

    func form(
        _ view: View, _ draft: Draft, problems: [String], theirs: String? = nil, outcome: Markup = .empty,
        status: HTTPResponse.Status = .ok
    ) -> Response {
        let alert: Markup =
            problems.isEmpty
            ? .empty
            : "<div class=\"problem\" role=\"alert\"><ul>\(problems.map { "<li>\($0)</li>" as Markup })</ul></div>"
        let current: Markup =
            theirs.map { theirs in
                "<h2>\(view.text(.ruleNow))</h2><pre><code>\(theirs)</code></pre>"
            } ?? .empty
        let path = "/program/rules/" + draft.ruleID.addingPercentEncodingForQuery()
        let body: Markup = """
            \(alert)
            <form method="post" action="\(path)" class="card">\(view.csrfField)
            <input type="hidden" name="version" value="\(String(draft.version))">
            <label for="rule">\(view.text(.ruleDefinition))</label>
            <textarea id="rule" name="rule" rows="16" spellcheck="false" aria-describedby="rule-hint">\(draft.text)</textarea>
            <p id="rule-hint" class="muted">\(view.text(.ruleHint))</p>
            \(draft.trial.fieldset(view))
            <p><button type="submit">\(view.text(.save))</button> \
            <button type="submit" formaction="\(path)/try" class="secondary">\(view.text(.simulate))</button> \
            <a href="/program">\(view.text(.cancel))</a></p>
            </form>\(outcome)\(current)
            """
        return view.page(
            view.text(.editRule, ["rule": draft.ruleID]), section: .program, body: body, status: status)
    }
}
