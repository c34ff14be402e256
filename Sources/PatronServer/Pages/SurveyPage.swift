import Hummingbird
import PatronCore
import PatronStore

/// The page a survey link opens: one question on its scale and a box for why, in the invitation's language (or
/// the one the person picks), plain HTML that works without JavaScript on a phone. It posts to itself; the
/// link's signed token is what lets it answer, once.
struct SurveyPage {
    let store: Store

    func addRoutes(to group: RouterGroup<PatronRequestContext>) {
        group.get("s/{token}", use: show)
        group.post("s/{token}", use: answer)
    }

    @Sendable func show(_ request: Request, context: PatronRequestContext) async throws -> Response {
        guard let invitation = try await store.surveyInvitation(token: try context.parameters.require("token")) else {
            return Self.invalidLink(View(request: request, language: .zh))
        }
        let view = View(request: request, language: Language(rawValue: invitation.basis.language) ?? .zh)
        if invitation.answeredAt != nil { return Self.message(view, .surveyThanksTitle, .surveyAnswered) }
        if invitation.expiresAt <= store.clock.now { return Self.expired(view) }
        return form(view, invitation, problem: nil)
    }

    @Sendable func answer(_ request: Request, context: PatronRequestContext) async throws -> Response {
        var request = request
        // A malformed form reads as an empty one, which then asks for a value.
        let fields = try await Form.read(&request)
        guard let invitation = try await store.surveyInvitation(token: try context.parameters.require("token")) else {
            return Self.invalidLink(View(request: request, language: .zh))
        }
        let view = View(request: request, language: Language(rawValue: invitation.basis.language) ?? .zh)
        let answer: SurveyAnswer
        do {
            answer = try SurveyAnswer.parse(
                value: fields["value"].flatMap { Int($0) }, comment: fields["comment"], kind: invitation.basis.kind)
        } catch {
            return form(view, invitation, problem: view.text(.surveyChoose), status: .unprocessableContent)
        }
        do {
            _ = try await store.answerSurvey(invitation.invitationID, answer: answer)
            return Self.message(view, .surveyThanksTitle, .surveyThanks)
        } catch SurveyError.alreadyAnswered {
            return Self.message(view, .surveyThanksTitle, .surveyAnswered)
        } catch SurveyError.expired, MemberError.erased {
            return Self.expired(view)
        }
    }

    func form(
        _ view: View, _ invitation: SurveyInvitation, problem: String?, status: HTTPResponse.Status = .ok
    ) -> Response {
        let kind = invitation.basis.kind
        let alert: Markup = problem.map { "<div class=\"problem\" role=\"alert\"><p>\($0)</p></div>" } ?? .empty
        let choices = kind.scale.map { value -> Markup in
            """
            <label class="choice"><input type="radio" name="value" value="\(String(value))" required> \
            \(String(value))</label>
            """
        }
        let (low, high) = Self.ends(of: kind)
        let body: Markup = """
            \(alert)
            <form method="post" class="card survey">
            <fieldset><legend>\(Self.question(invitation, view))</legend>
            <p class="muted">\(view.text(low)) · \(view.text(high))</p>
            <div class="scale">\(choices)</div></fieldset>
            <label for="comment">\(view.text(.surveyWhy))</label>
            <textarea id="comment" name="comment" rows="4" \
            maxlength="\(String(FeedbackSubmission.maximumTextLength))"></textarea>
            <p><button type="submit">\(view.text(.surveySend))</button></p>
            </form>
            """
        return view.page(view.text(.surveyTitle), section: nil, body: body, status: status)
    }

    /// The question in the page's language, about what the invitation is for.
    static func question(_ invitation: SurveyInvitation, _ view: View) -> String {
        let basis = invitation.basis
        switch basis.kind {
        case .nps:
            return view.text(.surveyNPSQuestion)
        case .csat:
            let subject: Message =
                basis.ticketID != nil
                ? .surveySubjectTicket : basis.orderID != nil ? .surveySubjectOrder : .surveySubjectShop
            return view.text(.surveyCSATQuestion, ["subject": view.text(subject)])
        case .ces:
            let task: Message = basis.ticketID != nil ? .surveyTaskTicket : .surveyTaskShop
            return view.text(.surveyCESQuestion, ["task": view.text(task)])
        }
    }

    /// What the lowest and highest values mean.
    static func ends(of kind: SurveyKind) -> (low: Message, high: Message) {
        switch kind {
        case .nps: (.surveyNPSLow, .surveyNPSHigh)
        case .csat: (.surveyCSATLow, .surveyCSATHigh)
        case .ces: (.surveyCESLow, .surveyCESHigh)
        }
    }

    static func message(_ view: View, _ title: Message, _ text: Message) -> Response {
        view.page(view.text(title), section: nil, body: "<p>\(view.text(text))</p>")
    }

    static func expired(_ view: View) -> Response {
        view.page(
            view.text(.surveyExpiredTitle), section: nil, body: "<p>\(view.text(.surveyExpired))</p>", status: .gone)
    }

    static func invalidLink(_ view: View) -> Response {
        view.page(
            view.text(.surveyInvalidTitle), section: nil, body: "<p>\(view.text(.surveyInvalid))</p>",
            status: .notFound)
    }
}
