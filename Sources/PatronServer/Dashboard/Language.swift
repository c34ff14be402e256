import Hummingbird
import PatronCore

/// The dashboard's languages. A person's choice (a cookie set from the language links) wins, then the browser's
/// `Accept-Language`, then Chinese.
enum Language: String, CaseIterable, Sendable {
    case zh
    case en

    static let cookieName = "patron_lang"

    /// The value of `<html lang>`.
    var tag: String { self == .zh ? "zh-CN" : "en" }

    /// What the language is called in itself, for the switch.
    var ownName: String { self == .zh ? "中文" : "English" }

    static func of(_ request: Request) -> Language {
        chosen(in: request) ?? request.headers[.acceptLanguage].flatMap(preferred(acceptLanguage:)) ?? .zh
    }

    /// The language the person picked with the language links, if they did.
    static func chosen(in request: Request) -> Language? {
        Cookies.value(named: cookieName, in: request).flatMap(Language.init(rawValue:))
    }

    /// The language the header ranks highest among those the dashboard speaks (RFC 9110 §12.5.4).
    static func preferred(acceptLanguage header: String) -> Language? {
        var best: (language: Language, weight: Double)?
        for item in header.split(separator: ",") {
            let parts = item.split(separator: ";").map { String($0).trimmingWhitespace() }
            guard let range = parts.first?.lowercased() else { continue }
            var weight = 1.0
            for parameter in parts.dropFirst() where parameter.hasPrefix("q=") {
                weight = Double(parameter.dropFirst(2)) ?? 0
            }
            let primary = range.split(separator: "-").first.map(String.init) ?? range
            guard weight > 0, let language = Language(rawValue: primary) else { continue }
            if weight > (best?.weight ?? 0) { best = (language, weight) }
        }
        return best?.language
    }
}
