/// A permission an API key can hold. `admin` grants every other scope.
public enum Scope: String, Sendable, Hashable, Codable, CaseIterable {
    case admin
    case membersRead = "members:read"
    case membersWrite = "members:write"
    case ordersRead = "orders:read"
    case ordersWrite = "orders:write"
    case eventsWrite = "events:write"
    /// Spending points as payment at a till or checkout.
    case pointsWrite = "points:write"
    /// Program-wide reports such as points liability.
    case reportsRead = "reports:read"

    /// Parses a comma-separated list such as `orders:write,members:read`.
    public static func parseList(_ text: String) -> Result<Set<Scope>, ScopeError> {
        var scopes = Set<Scope>()
        for part in text.split(separator: ",") {
            let name = String(part).trimmingWhitespace()
            guard let scope = Scope(rawValue: name) else { return .failure(.unknown(name)) }
            scopes.insert(scope)
        }
        return scopes.isEmpty ? .failure(.empty) : .success(scopes)
    }
}

public enum ScopeError: Error, Sendable, Hashable, CustomStringConvertible {
    case unknown(String)
    case empty

    public var description: String {
        switch self {
        case .unknown(let name):
            "unknown scope '\(name)'; known scopes: \(Scope.allCases.map(\.rawValue).joined(separator: ", "))"
        case .empty: "at least one scope is required"
        }
    }
}

extension Set<Scope> {
    /// Whether a key holding these scopes may do what `scope` allows.
    public func permits(_ scope: Scope) -> Bool {
        contains(.admin) || contains(scope)
    }
}
