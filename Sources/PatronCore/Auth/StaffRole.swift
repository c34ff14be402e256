/// A named set of permissions held by staff members: one of the built-in roles, or a custom one an owner defines.
/// The same permissions (`Scope`) are what API keys hold, so a route checks one thing whoever calls it.
public struct StaffRole: Sendable, Hashable, Codable {
    public var name: String
    public var permissions: Set<Scope>
    /// The most points one manual adjustment by this role may add or remove; `nil` when unlimited.
    public var adjustmentLimit: Int64?

    public init(name: String, permissions: Set<Scope>, adjustmentLimit: Int64? = nil) {
        self.name = name
        self.permissions = permissions
        self.adjustmentLimit = adjustmentLimit
    }

    /// Roles that can change the program as a whole, who may enter, or take away or copy anyone's personal data
    /// must prove a second factor.
    public var requiresTwoFactor: Bool {
        !permissions.isDisjoint(with: [.admin, .staffManage, .privacyManage])
    }

    public var isOwner: Bool { name == Self.owner.name }

    /// Whether one manual adjustment of `points` (added or removed) is within this role's limit.
    public func mayAdjust(points: Int64) -> Bool {
        adjustmentLimit.map { points.magnitude <= $0.magnitude } ?? true
    }

    /// Whether this role may give `reward` away free: a gift worth more points than the role may adjust is not
    /// its to give.
    public func mayGive(_ reward: Reward) -> Bool {
        mayAdjust(points: reward.costPoints)
    }
}

extension StaffRole {
    public static let owner = StaffRole(name: "owner", permissions: [.admin])
    public static let admin = StaffRole(name: "admin", permissions: [.admin])
    public static let marketer = StaffRole(
        name: "marketer", permissions: [.programWrite, .campaignsWrite, .messagesSend, .reportsRead])
    /// Service agents read members and their feedback, record what customers tell them, and make good on
    /// complaints, up to 500 points at a time.
    public static let agent = StaffRole(
        name: "agent",
        permissions: [.membersRead, .ordersRead, .pointsAdjust, .feedbackRead, .feedbackWrite, .ticketsWrite],
        adjustmentLimit: 500)
    /// Reports only: no member's personal data unless a custom role grants `members:read`.
    public static let analyst = StaffRole(name: "analyst", permissions: [.reportsRead])
    /// Till staff: record orders and what customers say, find members, take points as payment and redeem coupons,
    /// in their stores only.
    public static let store = StaffRole(
        name: "store", permissions: [.ordersWrite, .membersRead, .pointsWrite, .couponsRedeem, .feedbackWrite])
    public static let auditor = StaffRole(name: "auditor", permissions: [.auditRead])

    public static let builtIn: [StaffRole] = [owner, admin, marketer, agent, analyst, store, auditor]

    public static func builtIn(named name: String) -> StaffRole? {
        builtIn.first { $0.name == name }
    }

    /// Whether someone holding `self` may create, disable, unlock or reset the second factor of a member of staff
    /// holding `target`: only owners manage owners, and nobody hands out a permission they lack.
    public func mayManage(_ target: StaffRole) -> Bool {
        guard permissions.permits(.staffManage) else { return false }
        if target.isOwner { return isOwner }
        return permissions.contains(.admin) || target.permissions.isSubset(of: permissions)
    }
}
