/// Where a customer interacted with the business.
public enum Channel: String, Sendable, Hashable, Codable, CaseIterable {
    case store
    case app
    case web
    case phone
    case social
    case other
}
