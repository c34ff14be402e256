/// A permission, held by an API key as a scope or by a staff member through a role (`StaffRole`).
/// `admin` grants every other one.
public enum Scope: String, Sendable, Hashable, Codable, CaseIterable {
    case admin
    /// Members' profiles, decrypted personal data included, and their points, orders and rewards.
    case membersRead = "members:read"
    case membersWrite = "members:write"
    case ordersRead = "orders:read"
    case ordersWrite = "orders:write"
    case eventsWrite = "events:write"
    /// Spending points as payment at a till or checkout, and redeeming rewards for a member.
    case pointsWrite = "points:write"
    /// Adding or removing points by hand (service recovery) and cancelling a member's pending award.
    case pointsAdjust = "points:adjust"
    /// Checking and using coupons at a till.
    case couponsRedeem = "coupons:redeem"
    /// The program, its earning rules and the rewards catalog.
    case programWrite = "program:write"
    /// Campaigns such as surprise grants.
    case campaignsWrite = "campaigns:write"
    /// Program-wide reports such as points liability.
    case reportsRead = "reports:read"
    /// The audit log.
    case auditRead = "audit:read"
    /// Staff accounts, their roles, and API keys.
    case staffManage = "staff:manage"
    /// Members' privacy requests: a copy of everything held about a member, erasure, and the list of requests.
    case privacyManage = "privacy:manage"
    /// Issuing short-lived member tokens, for a brand's backend whose app acts for one member.
    case memberTokensWrite = "member_tokens:write"
    /// Reading feedback, its words and contacts included.
    case feedbackRead = "feedback:read"
    /// Recording feedback from a channel: a till, an app, a review site's connector.
    case feedbackWrite = "feedback:write"
    /// Working service tickets: opening them, replying, notes, moving them between states. Reading them needs
    /// `feedback:read`.
    case ticketsWrite = "tickets:write"
    /// Webhook endpoints: where events are posted, their secrets, the delivery log and replays. Events name
    /// members by id only.
    case webhooksManage = "webhooks:manage"
    /// Sending a message to one member through a template (a receipt, a ticket's answer, an offer), and sending
    /// a dead one again. The message log is read with `members:read`.
    case messagesSend = "messages:send"

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
