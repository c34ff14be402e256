import Hummingbird
import PatronCore
import PatronStore

/// What a person with `points:adjust` may do on a member's page: add or remove points with a reason, and give a
/// reward free. Each form carries a fresh request id, so sending it twice (a double click, a reload after a lost
/// answer) does it once.
struct MemberActions {
    let page: MembersPage
    var store: Store { page.store }

    /// The confirmation shown after an action, named in the redirect's query.
    enum Done: String {
        case adjusted, given, edited, erased

        var message: Message {
            switch self {
            case .adjusted: .pointsAdjusted
            case .given: .rewardGiven
            case .edited: .profileSaved
            case .erased: .memberErased
            }
        }
    }

    /// What the person typed, kept when the page refuses it.
    struct Drafts: Sendable {
        var points = ""
        var reason = ""
        var rewardID = ""
        /// The profile form's fields, when that form was sent.
        var profile: [String: String]?
    }

    @Sendable func adjustPoints(_ request: Request, context: PatronRequestContext) async throws -> Response {
        try await act(request, context: context) { view, member, fields in
            let drafts = Drafts(points: fields["points"] ?? "", reason: fields["reason"] ?? "")
            let reason = drafts.reason.trimmingWhitespace()
            guard let points = Int64(drafts.points.trimmingWhitespace()), points != 0, points.magnitude <= 1_000_000_000
            else { return (.refused([view.text(.pointsInvalid)]), drafts) }
            guard !reason.isEmpty, reason.unicodeScalars.count <= 500 else {
                return (.refused([view.text(.reasonRequired)]), drafts)
            }
            guard view.session?.user.role.mayAdjust(points: points) ?? false else {
                let limit = view.session?.user.role.adjustmentLimit ?? 0
                return (.refused([view.text(.adjustmentOverLimit, ["limit": view.formats.exact(limit)])]), drafts)
            }
            do {
                let (_, isReplay) = try await store.adjustPoints(
                    memberID: member.id, points: points, reason: reason, idempotencyKey: fields["request_id"] ?? "",
                    actor: context.actorID)
                return (.done(.adjusted, audit: isReplay ? nil : "adjustPoints"), drafts)
            } catch LedgerError.insufficientPoints(let available, _) {
                return (.refused([view.text(.notEnoughPoints, ["available": view.formats.exact(available)])]), drafts)
            } catch LedgerError.keyReused {
                return (.refused([view.text(.formSentBefore)]), drafts)
            }
        }
    }

    @Sendable func giveReward(_ request: Request, context: PatronRequestContext) async throws -> Response {
        try await act(request, context: context) { view, member, fields in
            let drafts = Drafts(rewardID: fields["reward_id"] ?? "")
            guard let stored = try await store.reward(id: drafts.rewardID) else {
                return (.refused([view.text(.chooseReward)]), drafts)
            }
            guard view.session?.user.role.mayGive(stored.reward) ?? false else {
                let limit = view.session?.user.role.adjustmentLimit ?? 0
                return (.refused([view.text(.giftOverLimit, ["limit": view.formats.exact(limit)])]), drafts)
            }
            do {
                let given = try await store.giveReward(
                    stored.reward.rewardID, to: member.id, grantID: fields["request_id"] ?? "", actor: context.actorID,
                    at: store.clock.now)
                return (.done(.given, audit: given ? "giveReward" : nil), drafts)
            } catch RewardError.notRedeemable(_, let refusals) {
                return (.refused(refusals.map { Self.text(of: $0, view) }), drafts)
            } catch LedgerError.keyReused {
                return (.refused([view.text(.formSentBefore)]), drafts)
            }
        }
    }

    enum Outcome {
        /// Done now (audited under the action's name) or before (a replay, `nil`: nothing new to record).
        case done(Done, audit: String?)
        case refused([String])
    }

    /// The steps every action shares: the permission, the member, a request id, and then either the audit entry
    /// and a redirect to the member's page, or the page again with the problems and what was typed.
    func act(
        _ request: Request, context: PatronRequestContext, permission: Scope = .pointsAdjust, once: Bool = true,
        _ perform: (View, Member, [String: String]) async throws -> (Outcome, Drafts)
    ) async throws -> Response {
        var request = request
        let fields = try await Form.read(&request)
        let view = View(request: request, context: context)
        guard view.permits(permission) else { return DashboardErrors.forbidden(view) }
        let memberID = try context.parameters.require("member_id")
        guard let member = try await store.member(id: memberID) else { return DashboardErrors.notFound(view) }
        // An action done `once` per form needs the form's id; one that sets values is the same however often.
        guard !once || (fields["request_id"].map { !$0.isEmpty && $0.count <= 64 } ?? false) else {
            return try await page.render(
                view, member, notice: Self.alert([view.text(.formSentBefore)]), status: .unprocessableContent,
                context: context, request: request)
        }
        let (outcome, drafts) = try await perform(view, member, fields)
        switch outcome {
        case .done(let done, let action):
            if let action {
                try await store.audit(context.auditEvent(action, objectIDs: [member.id], request: request))
            }
            return DashboardGate.redirect(
                to: "/members/\(member.id.addingPercentEncodingForQuery())?done=\(done.rawValue)")
        case .refused(let problems):
            return try await page.render(
                view, member, notice: Self.alert(problems), drafts: drafts, status: .unprocessableContent,
                context: context, request: request)
        }
    }

    /// Why a gift cannot be given, in the page's language where the reason is one a gift can meet.
    static func text(of refusal: RedemptionRefusal, _ view: View) -> String {
        switch refusal {
        case .inactive, .unknownReward: view.text(.giftInactive)
        case .outOfStock, .notEnoughStock: view.text(.giftOutOfStock)
        case .memberLimitReached, .periodLimitReached: view.text(.giftMemberLimit)
        case .tierNotEligible, .insufficientPoints: refusal.detail
        }
    }

    static func alert(_ problems: [String]) -> Markup {
        "<div class=\"problem\" role=\"alert\"><ul>\(problems.map { "<li>\($0)</li>" as Markup })</ul></div>"
    }

    /// The forms for adjusting points and giving a reward, each with a new request id.
    static func pointForms(_ view: View, member: Member, catalog: [RewardOffer], drafts: Drafts) -> Markup {
        let path = "/members/\(member.id.addingPercentEncodingForQuery())"
        let role = view.session?.user.role
        let limit: Markup =
            role?.adjustmentLimit.map {
                "<p class=\"muted\">\(view.text(.adjustmentLimitHint, ["limit": view.formats.exact($0)]))</p>"
            }
            ?? .empty
        let giveable = catalog.filter { $0.refusals.isEmpty && role?.mayGive($0.stored.reward) == true }
        let options: [Markup] = giveable.map { offer in
            let reward = offer.stored.reward
            let selected: Markup = reward.rewardID == drafts.rewardID ? " selected" : ""
            let name = view.language == .zh ? reward.name.zh : reward.name.en
            return "<option value=\"\(reward.rewardID)\"\(selected)>\(name)</option>"
        }
        let gift: Markup =
            giveable.isEmpty
            ? "<p>\(view.text(.noRewardToGive))</p>"
            : """
            <form method="post" action="\(path)/gifts">\(view.csrfField)
            <input type="hidden" name="request_id" value="\(Identifier.randomToken(count: 22))">
            <div><label for="gift-reward">\(view.text(.reward))</label>
            <select id="gift-reward" name="reward_id" required>\(options)</select></div>
            <p><button type="submit">\(view.text(.giveReward))</button></p></form>
            """
        return """
            <div class="columns">
            <section class="card"><h2>\(view.text(.adjustPoints))</h2>
            <form method="post" action="\(path)/points">\(view.csrfField)
            <input type="hidden" name="request_id" value="\(Identifier.randomToken(count: 22))">
            <div><label for="adjust-points">\(view.text(.pointsToAdd))</label>
            <input id="adjust-points" name="points" type="number" step="1" required value="\(drafts.points)"></div>
            <div><label for="adjust-reason">\(view.text(.reason))</label>
            <input id="adjust-reason" name="reason" maxlength="500" required value="\(drafts.reason)"></div>
            <p><button type="submit">\(view.text(.adjust))</button></p></form>\(limit)</section>
            <section class="card"><h2>\(view.text(.giveRewardTitle))</h2>\(gift)</section>
            </div>
            """
    }
}
