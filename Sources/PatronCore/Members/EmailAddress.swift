/// An email address normalised for matching: trimmed and lower-cased.
public struct EmailAddress: Sendable, Hashable, CustomStringConvertible {
    public let value: String

    /// Returns `nil` unless the text looks like `local@domain.tld` after normalising.
    public init?(_ text: String) {
        let normalized = text.trimmingWhitespace().lowercased()
        let parts = normalized.split(separator: "@", omittingEmptySubsequences: false)
        guard normalized.count <= 254, parts.count == 2, !parts[0].isEmpty, parts[1].contains("."),
            !parts[1].hasPrefix("."), !parts[1].hasSuffix("."),
            !normalized.contains(where: { $0.isWhitespace })
        else { return nil }
        self.value = normalized
    }

    public var description: String { value }
}

extension String {
    /// The string without leading and trailing whitespace (including ideographic spaces).
    public func trimmingWhitespace() -> String {
        guard let start = firstIndex(where: { !$0.isWhitespace }),
            let end = lastIndex(where: { !$0.isWhitespace })
        else { return "" }
        return String(self[start...end])
    }
}
