import PatronCore

/// Sets of names (scopes, permissions, store ids) as one comma-separated column, sorted so equal sets store alike.
public enum StoredList {
    public static func text(_ values: some Sequence<String>) -> String {
        values.sorted().joined(separator: ",")
    }

    /// The names in `text`, trimmed, empty ones dropped: reads what `text(_:)` wrote and what an operator types.
    public static func values(_ text: String) -> [String] {
        text.split(separator: ",").map { String($0).trimmingWhitespace() }.filter { !$0.isEmpty }
    }

    public static func scopes(_ text: String) -> Set<Scope> {
        Set(values(text).compactMap(Scope.init(rawValue:)))
    }
}
