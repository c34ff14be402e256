import Hummingbird
import PatronCore
import PatronStore

/// Where a marketing email's unsubscribe link leads. Opening it (GET) only asks — mail scanners and link
/// previews open links, and must never unsubscribe anyone; the button posts. A POST, from the page or from the
/// mail client's one-click button (RFC 8058: `List-Unsubscribe=One-Click`), withdraws the member's marketing
/// consent for email, recorded as said through the link. Posting twice changes nothing.
struct UnsubscribePage {
    let store: Store

    func addRoutes(to group: RouterGroup<PatronRequestContext>) {
        group.get("u/{token}", use: show)
        group.post("u/{token}", use: unsubscribe)
    }

    @Sendable func show(_ request: Request, context: PatronRequestContext) async throws -> Response {
        let view = View(request: request, language: Language.of(request))
        guard store.unsubscribeTokens.memberID(in: try context.parameters.require("token")) != nil else {
            return Self.invalid(view)
        }
        let body: Markup = """
            <form method="post" class="card">
            <p>\(view.text(.unsubscribeQuestion))</p>
            <input type="hidden" name="List-Unsubscribe" value="One-Click">
            <p><button type="submit">\(view.text(.unsubscribeButton))</button></p>
            </form>
            """
        return view.page(view.text(.unsubscribeTitle), section: nil, body: body)
    }

    @Sendable func unsubscribe(_ request: Request, context: PatronRequestContext) async throws -> Response {
        let view = View(request: request, language: Language.of(request))
        guard let memberID = store.unsubscribeTokens.memberID(in: try context.parameters.require("token")) else {
            return Self.invalid(view)
        }
        let withdrawal = ConsentRecord(
            purpose: .marketing, channel: .email, state: .withdrawn, source: .unsubscribeLink, policyVersion: nil,
            evidence: "unsubscribe link", givenAt: store.clock.now)
        do {
            _ = try await store.recordConsents(
                [withdrawal], of: memberID, recordedBy: "unsubscribe_link", at: store.clock.now)
        } catch MemberError.erased, MemberError.notFound {
            // Nothing is sent to an erased member anyway: they are unsubscribed in every sense.
        }
        return view.page(view.text(.unsubscribedTitle), section: nil, body: "<p>\(view.text(.unsubscribed))</p>")
    }

    static func invalid(_ view: View) -> Response {
        view.page(
            view.text(.unsubscribeTitle), section: nil, body: "<p>\(view.text(.unsubscribeInvalid))</p>",
            status: .notFound)
    }
}

/// The unsubscribe link of a member's marketing emails, at the server's public address.
struct UnsubscribeLinks: Sendable {
    let tokens: UnsubscribeTokens
    let publicURL: String

    func url(memberID: String) -> String {
        publicURL + "/u/" + tokens.token(memberID: memberID)
    }
}
