import Foundation

/// Where the data lives: `sqlite:PATH` (the embedded default) or `postgres://user:pass@host:5432/db`.
public enum DatabaseURL: Sendable, Hashable, CustomStringConvertible {
    case sqlite(path: String)
    case postgres(url: String)

    public static let embeddedDefault = DatabaseURL.sqlite(path: "patron.sqlite")

    public init(parsing text: String) throws(DatabaseURLError) {
        if text.hasPrefix("sqlite:") {
            var path = String(text.dropFirst("sqlite:".count))
            if path.hasPrefix("//") { path.removeFirst(2) }
            guard !path.isEmpty else { throw DatabaseURLError(text: text) }
            self = .sqlite(path: path)
        } else if text.hasPrefix("postgres://") || text.hasPrefix("postgresql://") {
            guard URL(string: text)?.host != nil else { throw DatabaseURLError(text: text) }
            self = .postgres(url: text)
        } else {
            throw DatabaseURLError(text: text)
        }
    }

    public var engine: DatabaseEngine {
        switch self {
        case .sqlite: .sqlite
        case .postgres: .postgres
        }
    }

    /// The URL with any password masked, for logs.
    public var description: String {
        switch self {
        case .sqlite(let path): return "sqlite:\(path)"
        case .postgres(let url):
            guard var components = URLComponents(string: url) else { return "postgres://…" }
            if components.password != nil { components.password = "***" }
            return components.string ?? "postgres://…"
        }
    }
}

public struct DatabaseURLError: Error, CustomStringConvertible {
    public let text: String
    public var description: String {
        "unsupported database URL '\(text)': use sqlite:PATH or postgres://user:pass@host:5432/db"
    }
}

/// The two engines Patron runs on.
public enum DatabaseEngine: String, Sendable, Hashable, CaseIterable {
    case sqlite
    case postgres
}
