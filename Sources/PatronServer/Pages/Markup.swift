/// HTML text in which every interpolated `String` is escaped and only `Markup` goes in as it is, so a page cannot
/// forget to escape what a member, a staff member or a request wrote.
struct Markup: Sendable, Hashable, ExpressibleByStringInterpolation, CustomStringConvertible {
    private(set) var text: String

    init(stringLiteral value: String) {
        text = value
    }

    init(stringInterpolation: Interpolation) {
        text = stringInterpolation.text
    }

    /// Markup built elsewhere and known to be safe; never pass text from outside through this.
    init(trusted text: String) {
        self.text = text
    }

    var description: String { text }

    static let empty = Markup(trusted: "")

    static func + (lhs: Markup, rhs: Markup) -> Markup {
        Markup(trusted: lhs.text + rhs.text)
    }

    struct Interpolation: StringInterpolationProtocol {
        var text = ""

        init(literalCapacity: Int, interpolationCount: Int) {
            text.reserveCapacity(literalCapacity + interpolationCount * 16)
        }

        mutating func appendLiteral(_ literal: String) {
            text += literal
        }

        mutating func appendInterpolation(_ value: String) {
            text += HTML.escape(value)
        }

        mutating func appendInterpolation(_ value: Int) {
            text += String(value)
        }

        mutating func appendInterpolation(_ markup: Markup) {
            text += markup.text
        }

        mutating func appendInterpolation(_ parts: [Markup]) {
            for part in parts { text += part.text }
        }

        mutating func appendInterpolation(_ markup: Markup?) {
            if let markup { text += markup.text }
        }
    }
}
