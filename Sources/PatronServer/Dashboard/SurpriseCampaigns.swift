import Foundation
import Hummingbird
import PatronCore
import PatronStore

/// Surprise campaigns on the program page: those run, each with whom it was for, how many matched and were given,
/// and how many of its coupons were used; and, for people with `campaigns:write`, a form that previews a campaign
/// (how many members match, how many it picks) before giving it through the API's own `runSurprise`. The form
/// carries its campaign id and seed, so giving picks as the preview did (the same seed over the same members), and
/// giving twice gives once.
struct SurpriseCampaigns {
    let page: ProgramPage
    var store: Store { page.store }
    static let listed = 20

    /// What is typed in the form, kept through a preview or a refusal; a new form has a new campaign id and seed.
    struct Draft: Sendable {
        var campaignID = "surprise-" + Identifier.randomToken(count: 12)
        var seed = String(UInt64.random(in: 0...UInt64.max))
        var tiers: Set<String> = []
        var lastOrderWithinDays = ""
        var birthdayThisMonth = false
        var count = "10"
        var rewardID = ""
        var points = ""
        var reason = ""

        init() {}

        init(_ fields: [String: String], program: LoyaltyProgram) {
            campaignID = fields["campaign_id"] ?? ""
            seed = fields["seed"] ?? ""
            tiers = Set(program.tiers.levels.map(\.tierID).filter { fields["tier_\($0)"] != nil })
            lastOrderWithinDays = fields["last_order_within_days"] ?? ""
            birthdayThisMonth = fields["birthday_this_month"] != nil
            count = fields["count"] ?? ""
            rewardID = fields["reward_id"] ?? ""
            points = fields["points"] ?? ""
            reason = fields["reason"] ?? ""
        }

        /// The campaign as `POST /v1/campaigns/surprise` takes it, or what is wrong, in the page's language. The
        /// page only reads the numbers typed; what they may be is the API's rule (``SurpriseCampaign/problems()``),
        /// told here in the page's words. A number that does not read stands in as one that rule refuses.
        func campaign(_ view: View) -> Result<SurpriseCampaign, ProgramPage.Problems> {
            guard let seed = UInt64(seed) else {
                return .failure(ProgramPage.Problems(messages: [view.text(.formSentBefore)]))
            }
            func number<Value: FixedWidthInteger>(_ text: String, unreadable: Value) -> Value? {
                let text = text.trimmingWhitespace()
                return text.isEmpty ? nil : Value(text) ?? unreadable
            }
            let reason = reason.trimmingWhitespace()
            let campaign = SurpriseCampaign(
                campaignID: campaignID,
                filter: SurpriseFilter(
                    tiers: tiers.isEmpty ? nil : tiers.sorted(),
                    lastOrderWithinDays: number(lastOrderWithinDays, unreadable: -1),
                    birthdayThisMonth: birthdayThisMonth ? true : nil),
                count: number(count, unreadable: 0) ?? 0, seed: seed,
                grant: GrantedReward(
                    points: number(points, unreadable: Int64(0)), rewardID: rewardID.isEmpty ? nil : rewardID),
                reason: reason.isEmpty ? nil : reason)
            let problems = campaign.problems()
            return problems.isEmpty
                ? .success(campaign)
                : .failure(ProgramPage.Problems(messages: problems.map { Self.message(for: $0, view) }))
        }

        /// A problem of the API's rule in the page's language, by the field it names.
        static func message(for problem: FieldError, _ view: View) -> String {
            switch problem.pointer {
            case "/count": view.text(.surpriseCountInvalid)
            case "/filter/last_order_within_days": view.text(.surpriseDaysInvalid)
            case "/grant": view.text(.surpriseGiftRequired)
            case "/grant/points": view.text(.surprisePointsInvalid)
            case "/grant/reward_id": view.text(.chooseReward)
            case "/reason": view.text(.reasonTooLong)
            case "/campaign_id": view.text(.formSentBefore)
            default: "\(problem.pointer): \(problem.detail)"
            }
        }
    }

    /// What the form shows besides the draft: what a preview found, or why it was refused.
    enum Notice: Sendable {
        case preview(SurpriseOutcome)
        case refused([String])
    }

    /// `POST /program/surprises`: `step=preview` picks and tells, `step=give` gives, once per campaign id.
    @Sendable func run(_ request: Request, context: PatronRequestContext) async throws -> Response {
        var request = request
        let fields = try await Form.read(&request)
        let view = View(request: request, context: context)
        guard view.permits(.programWrite), view.permits(.campaignsWrite) else { return DashboardErrors.forbidden(view) }
        let (_, program) = try await store.program()
        let draft = Draft(fields, program: program)
        func again(_ notice: Notice, _ status: HTTPResponse.Status) async throws -> Response {
            try await page.render(view, request: request, surprise: (draft, notice), status: status)
        }
        let campaign: SurpriseCampaign
        switch draft.campaign(view) {
        case .failure(let problems): return try await again(.refused(problems.messages), .unprocessableContent)
        case .success(let checked): campaign = checked
        }
        let giving = fields["step"] == "give"
        do {
            let (outcome, isReplay) = try await store.runSurprise(
                campaign, dryRun: !giving, actor: context.actorID, at: store.clock.now)
            guard giving else { return try await again(.preview(outcome), .ok) }
            if !isReplay {
                try await store.audit(
                    context.auditEvent("surpriseCampaign", objectIDs: [campaign.campaignID], request: request))
            }
            return DashboardGate.redirect(
                to: "/program?surprised=\(campaign.campaignID.addingPercentEncodingForQuery())#surprises")
        } catch RewardError.notRedeemable(_, let refusals) {
            return try await again(.refused(refusals.map { MemberActions.text(of: $0, view) }), .unprocessableContent)
        } catch RewardError.rewardNotFound {
            return try await again(.refused([view.text(.chooseReward)]), .unprocessableContent)
        } catch LedgerError.keyReused {
            return try await again(.refused([view.text(.formSentBefore)]), .unprocessableContent)
        }
    }

    func table(
        _ view: View, _ runs: [SurpriseCampaignRun], program: LoyaltyProgram, rewards: [String: String]
    )
        -> DataTable
    {
        let formats = view.formats
        return DataTable(
            id: "surprises", caption: nil, empty: view.text(.surpriseNone),
            columns: [
                .init(label: view.text(.campaign)), .init(label: view.text(.when)),
                .init(label: view.text(.audience)), .init(label: view.text(.gift)),
                .init(label: view.text(.matched), numeric: true), .init(label: view.text(.given), numeric: true),
                .init(label: view.text(.used), numeric: true),
            ],
            rows: runs.map { run in
                [
                    .code(run.campaign.campaignID),
                    DataTable.Cell(formats.instant(run.runAt, offset: program.utcOffset)),
                    DataTable.Cell(Self.audience(run.campaign.filter, view, program: program)),
                    DataTable.Cell(Self.gift(run.campaign.grant, view, rewards: rewards)),
                    .number(run.eligible, formats), .number(run.given, formats), .number(run.used, formats),
                ]
            }, rowHeaders: true)
    }

    static func audience(_ filter: SurpriseFilter, _ view: View, program: LoyaltyProgram) -> String {
        var parts: [String] = []
        if let tiers = filter.tiers, !tiers.isEmpty {
            let names = tiers.map { id in
                program.tiers.levels.first { $0.tierID == id }.map { view.language == .zh ? $0.name.zh : $0.name.en }
                    ?? id
            }
            parts.append(names.joined(separator: view.language == .zh ? "、" : ", "))
        }
        if let days = filter.lastOrderWithinDays {
            parts.append(view.text(.audienceRecent, ["days": view.formats.exact(days)]))
        }
        if filter.birthdayThisMonth == true { parts.append(view.text(.birthdayThisMonth)) }
        return parts.isEmpty ? view.text(.audienceAll) : parts.joined(separator: view.language == .zh ? "；" : "; ")
    }

    static func gift(_ grant: GrantedReward, _ view: View, rewards: [String: String]) -> String {
        var parts: [String] = []
        if let rewardID = grant.rewardID { parts.append(rewards[rewardID] ?? rewardID) }
        if let points = grant.points { parts.append(view.text(.pointsGift, ["points": view.formats.exact(points)])) }
        return parts.joined(separator: " + ")
    }

    /// The new campaign's form, with a preview's numbers and the button that gives once previewed.
    func form(
        _ view: View, _ draft: Draft, notice: Notice?, program: LoyaltyProgram, rewards: [(id: String, name: String)]
    ) -> Markup {
        let tiers: [Markup] = program.tiers.levels.map { level in
            let checked: Markup = draft.tiers.contains(level.tierID) ? " checked" : ""
            let name = view.language == .zh ? level.name.zh : level.name.en
            return """
                <label class="choice"><input type="checkbox" name="tier_\(level.tierID)"\(checked)> \(name)</label>
                """
        }
        let options: [Markup] =
            ["<option value=\"\">\(view.text(.noReward))</option>"]
            + rewards.map { reward in
                let selected: Markup = reward.id == draft.rewardID ? " selected" : ""
                return "<option value=\"\(reward.id)\"\(selected)>\(reward.name)</option>"
            }
        let birthday: Markup = draft.birthdayThisMonth ? " checked" : ""
        var shown: Markup = .empty
        var give: Markup = .empty
        switch notice {
        case .preview(let outcome):
            shown = """
                <p class="notice" role="status">\(view.text(
                    .surprisePreview,
                    ["eligible": view.formats.exact(outcome.eligible), "chosen": view.formats.exact(outcome.selected.count)]))</p>
                """
            give = "<button type=\"submit\" name=\"step\" value=\"give\">\(view.text(.give))</button>"
        case .refused(let problems): shown = MemberActions.alert(problems)
        case nil: break
        }
        return """
            <section class="card" id="new-surprise"><h3>\(view.text(.newSurprise))</h3>
            <p class="muted">\(view.text(.surpriseHint))</p>\(shown)
            <form method="post" action="/program/surprises#new-surprise">\(view.csrfField)
            <input type="hidden" name="campaign_id" value="\(draft.campaignID)">
            <input type="hidden" name="seed" value="\(draft.seed)">
            <fieldset><legend>\(view.text(.audience))</legend>
            <p>\(tiers)</p>
            <div><label for="surprise-days">\(view.text(.orderedWithinDays))</label>
            <input id="surprise-days" name="last_order_within_days" inputmode="numeric" \
            value="\(draft.lastOrderWithinDays)"></div>
            <p><label class="choice"><input type="checkbox" name="birthday_this_month"\(birthday)> \
            \(view.text(.birthdayThisMonth))</label></p>
            </fieldset>
            <fieldset><legend>\(view.text(.gift))</legend>
            <div class="inline">
            <div><label for="surprise-count">\(view.text(.howMany))</label>
            <input id="surprise-count" name="count" inputmode="numeric" required value="\(draft.count)"></div>
            <div><label for="surprise-reward">\(view.text(.reward))</label>
            <select id="surprise-reward" name="reward_id">\(options)</select></div>
            <div><label for="surprise-points">\(view.text(.pointsToGive))</label>
            <input id="surprise-points" name="points" inputmode="numeric" value="\(draft.points)"></div>
            </div>
            </fieldset>
            <div><label for="surprise-reason">\(view.text(.reasonShown))</label>
            <input id="surprise-reason" name="reason" maxlength="1024" value="\(draft.reason)"></div>
            <p><button type="submit" name="step" value="preview" class="secondary">\(view.text(.preview))</button> \
            \(give)</p>
            </form></section>
            """
    }
}
