import Foundation
import Mustache

/// Checks one template text: that Mustache can parse it, that every name it uses is one a message has
/// (``TemplateVariables``), that its sections close in order, and that HTML never prints a value unescaped.
/// Only plain Mustache is taken: no partials, inheritance, pragmas, delimiter changes or transforms.
enum TemplateCheck {
    /// The problems with `text`, each one sentence; none when it may be saved.
    static func problems(in text: String, isHTML: Bool) -> [String] {
        var problems: [String] = []
        var open: [String] = []
        var rest = Substring(text)
        while let start = rest.range(of: "{{") {
            let triple = rest[start.upperBound...].hasPrefix("{")
            let closing = triple ? "}}}" : "}}"
            let bodyStart = triple ? rest.index(after: start.upperBound) : start.upperBound
            guard let end = rest[bodyStart...].range(of: closing) else {
                problems.append("a tag opened with {{ is never closed")
                break
            }
            let tag = rest[bodyStart..<end.lowerBound].trimmingCharacters(in: .whitespaces)
            rest = rest[end.upperBound...]
            check(tag, triple: triple, isHTML: isHTML, open: &open, problems: &problems)
        }
        if let unclosed = open.last { problems.append("the section {{#\(unclosed)}} is never closed") }
        if problems.isEmpty {
            do { _ = try MustacheTemplate(string: text) } catch { problems.append("is not valid Mustache: \(error)") }
        }
        return problems
    }

    private static func check(
        _ tag: String, triple: Bool, isHTML: Bool, open: inout [String], problems: inout [String]
    ) {
        let sigil = triple ? "{" : tag.first.map(String.init) ?? ""
        let name =
            triple
            ? tag
            : String(tag.dropFirst(["#", "^", "/", "&", "!"].contains(sigil) ? 1 : 0))
                .trimmingCharacters(in: .whitespaces)
        switch sigil {
        case "!":
            return
        case ">", "<", "$", "=", "%":
            problems.append("{{\(tag)}}: partials, inheritance, pragmas and delimiter changes are not supported")
            return
        default:
            break
        }
        guard isName(name) else {
            problems.append("{{\(tag)}} is not a name: use letters, digits, _ and . (for example {{member.name}})")
            return
        }
        switch sigil {
        case "/":
            if open.last == name {
                open.removeLast()
            } else {
                problems.append("{{/\(name)}} closes a section that is not the one open")
            }
            return
        case "{", "&":
            let written = triple ? "{{{\(tag)}}}" : "{{\(tag)}}"
            if isHTML { problems.append("\(written) would put a value into HTML unescaped: write {{\(name)}}") }
        default:
            break
        }
        if !TemplateVariables.resolves(name, inside: open) {
            problems.append(
                "{{\(name)}} is not something a message has; the names are "
                    + TemplateVariables.allNames.joined(separator: ", "))
        }
        if sigil == "#" || sigil == "^" { open.append(name) }
    }

    private static func isName(_ name: String) -> Bool {
        name == "."
            || (!name.isEmpty && name.count <= 64
                && name.unicodeScalars.allSatisfy {
                    ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "_" || $0 == "."
                }
                && !name.hasPrefix(".") && !name.hasSuffix(".") && !name.contains(".."))
    }
}
