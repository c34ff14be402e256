/// An email address normalised for matching: trimmed and lower-cased.
public struct EmailAddress: Sendable, Hashable, CustomStringConvertible {
    public let value: String

    /// Returns `nil` unless the text looks like `local@domain.tld` after normalising. Read by Unicode scalar,
    /// so a combining mark cannot hide the `@` or a dot.
    public init?(_ text: String) {
        let normalized = text.trimmingWhitespace().lowercased()
        let scalars = normalized.unicodeScalars
        let parts = scalars.split(separator: "@", omittingEmptySubsequences: false)
        guard scalars.count <= 254, parts.count == 2, !parts[0].isEmpty, parts[1].contains("."),
            parts[1].first != ".", parts[1].last != ".",
            !scalars.contains(where: { $0.properties.isWhitespace || $0 == "\u{0}" })
        else { return nil }
        self.value = normalized
    }

    public var description: String { value }
}

extension String {
    /// The string without leading and trailing whitespace (including ideographic spaces), trimmed by
    /// Unicode scalar so that a combining mark after a space is kept, as the API's patterns read it.
    public func trimmingWhitespace() -> String {
        let scalars = unicodeScalars
        guard let start = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
            let end = scalars.lastIndex(where: { !$0.properties.isWhitespace })
        else { return "" }
        return String(scalars[start...end])
    }
}
