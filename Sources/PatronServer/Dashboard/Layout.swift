import Foundation
import Hummingbird
import NIOCore
import PatronCore
import PatronStore

/// What every dashboard page knows while it renders: who is looking, in which language, and where.
struct View: Sendable {
    let language: Language
    let session: StaffSession?
    /// The path and query of the request, to come back to after switching language.
    let target: String
    /// The id of the table the request asks for as a CSV file (`?download=<id>`), if any.
    let download: String?

    var formats: Formats { Formats(language: language) }

    init(request: Request, context: PatronRequestContext) {
        language = Language.of(request)
        if case .staff(let session) = context.principal { self.session = session } else { session = nil }
        target = request.uri.description
        download = Form.query("download", in: request)
    }

    /// A public page in `language` unless the person chose another with the language links.
    init(request: Request, language: Language) {
        self.language = Language.chosen(in: request) ?? language
        session = nil
        target = request.uri.description
        download = nil
    }

    /// This page's address asking for the table `id` as a file, with the page's other query fields kept.
    func downloadPath(_ id: String) -> String {
        let parts = target.split(separator: "?", maxSplits: 1)
        let kept = (parts.count > 1 ? parts[1].split(separator: "&") : []).filter { !$0.hasPrefix("download=") }
        return String(parts.first ?? "/") + "?"
            + (kept + ["download=\(id.addingPercentEncodingForQuery())"])
            .joined(separator: "&")
    }

    func text(_ message: Message) -> String {
        Messages.text(message, in: language)
    }

    func text(_ message: Message, _ values: [String: String]) -> String {
        Messages.text(message, in: language, values)
    }

    func permits(_ scope: Scope) -> Bool {
        session?.user.role.permissions.permits(scope) ?? false
    }

    /// A hidden field repeating the session's CSRF token, for every form that changes something.
    var csrfField: Markup {
        guard let session else { return .empty }
        return "<input type=\"hidden\" name=\"csrf_token\" value=\"\(session.csrfToken)\">"
    }

    /// The sections of the dashboard this person may open.
    enum Section: CaseIterable {
        case overview, members, program, analytics

        var path: String {
            switch self {
            case .overview: "/"
            case .members: "/members"
            case .program: "/program"
            case .analytics: "/analytics"
            }
        }

        var title: Message {
            switch self {
            case .overview: .overviewTitle
            case .members: .membersTitle
            case .program: .programTitle
            case .analytics: .analyticsTitle
            }
        }

        var permission: Scope {
            switch self {
            case .overview: .reportsRead
            case .members: .membersRead
            case .program: .programWrite
            case .analytics: .reportsRead
            }
        }
    }

    /// A whole page: the navigation, the language switch and sign-out around `body`; or, when the request asks for
    /// one of the page's `tables`, that table as a CSV file.
    func page(
        _ title: String, section: Section?, body: Markup, tables: [DataTable] = [], status: HTTPResponse.Status = .ok
    ) -> Response {
        if let download, let table = tables.first(where: { $0.id == download }) { return table.download() }
        let navigation: Markup =
            session == nil
            ? .empty
            : """
            <nav aria-label="\(text(.navigationLabel))"><ul>\(Section.allCases.filter { permits($0.permission) }.map { item in
                let current: Markup = item == section ? " aria-current=\"page\"" : ""
                return "<li><a href=\"\(item.path)\"\(current)>\(text(item.title))</a></li>" as Markup
            })</ul></nav>
            """
        let account: Markup =
            session.map { session in
                """
                <form method="post" action="/sign-out" class="account">\(csrfField)
                <span>\(session.user.email) · \(session.user.role.name)</span>
                <button type="submit">\(text(.signOut))</button></form>
                """
            } ?? .empty
        let others = Language.allCases.filter { $0 != language }.map { other -> Markup in
            let next = target.addingPercentEncodingForQuery()
            return
                "<a href=\"/language/\(other.rawValue)?next=\(next)\" lang=\"\(other.tag)\" hreflang=\"\(other.tag)\">\(other.ownName)</a>"
        }
        let html: Markup = """
            <!doctype html>
            <html lang="\(language.tag)">
            <head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(title) · Patron</title><link rel="stylesheet" href="\(DashboardAssets.stylesheetPath)"></head>
            <body><a class="skip" href="#main">\(text(.skipToContent))</a>
            <header><a class="brand" href="/">Patron</a>\(navigation)<div class="tools">\(others)\(account)</div></header>
            <main id="main"><h1>\(title)</h1>
            \(body)
            </main></body>
            </html>

            """
        return Response(
            status: status, headers: [.contentType: "text/html; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(string: html.description)))
    }
}

extension String {
    /// The text as one query parameter's value.
    func addingPercentEncodingForQuery() -> String {
        let allowed = CharacterSet(
            charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~/")
        return addingPercentEncoding(withAllowedCharacters: allowed) ?? ""
    }
}
