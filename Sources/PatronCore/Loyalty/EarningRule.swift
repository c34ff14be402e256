/// One earning rule: data, validated on write, evaluated by ``EarningEngine``.
///
/// A rule is a flat JSON object; `kind` says which of the optional parameters it uses:
/// - `points_per_currency_unit`: `points` per `per_minor` minor units of what the lines cost after discounts,
///   rounded by `rounding` (down, nearest, up). These are the *base* points the multipliers build on.
/// - `multiplier`: base points of the lines that `match` (SKU, category, channel, store) × `factor`.
/// - `tier_multiplier`: base points × the member's tier multiplier.
/// - `amount_bonus`: `points` when the order's amount after discounts reaches `minimum_minor`.
/// - `first_order_bonus`: `points` on the member's first order.
/// - `birthday_month_multiplier`: base points × `factor` in the member's birthday month.
/// - `activity`: `points` for each `track` event named `event` (review written, shared, checked in …).
public struct EarningRule: Sendable, Hashable, Encodable {
    public enum Kind: String, Sendable, Hashable, Codable, CaseIterable {
        case pointsPerCurrencyUnit = "points_per_currency_unit"
        case multiplier
        case tierMultiplier = "tier_multiplier"
        case amountBonus = "amount_bonus"
        case firstOrderBonus = "first_order_bonus"
        case birthdayMonthMultiplier = "birthday_month_multiplier"
        case activity

        /// Base rules run first: every multiplier multiplies their points.
        var isBase: Bool { self == .pointsPerCurrencyUnit }
    }

    /// How a rule combines with the others.
    public enum Stacking: String, Sendable, Hashable, Codable, CaseIterable {
        /// Its points add to the others'.
        case add
        /// Of all matching `best_of` rules only the one giving most points counts.
        case bestOf = "best_of"
        /// When it gives points, no rule after it (by priority) is evaluated.
        case stopAfter = "stop_after"
    }

    public enum Rounding: String, Sendable, Hashable, Codable, CaseIterable {
        case down, nearest, up
    }

    /// Which lines or orders a multiplier applies to; every list given must match.
    public struct Match: Sendable, Hashable, Codable {
        public var skus: [String]?
        public var categories: [String]?
        public var channels: [String]?
        public var stores: [String]?

        public init(
            skus: [String]? = nil, categories: [String]? = nil, channels: [String]? = nil, stores: [String]? = nil
        ) {
            self.skus = skus
            self.categories = categories
            self.channels = channels
            self.stores = stores
        }
    }

    /// Limits on what one rule awards.
    public struct Caps: Sendable, Hashable, Codable {
        public var perMemberPerDay: Int64?
        public var perMemberPerMonth: Int64?
        public var total: Int64?

        public init(perMemberPerDay: Int64? = nil, perMemberPerMonth: Int64? = nil, total: Int64? = nil) {
            self.perMemberPerDay = perMemberPerDay
            self.perMemberPerMonth = perMemberPerMonth
            self.total = total
        }

        enum CodingKeys: String, CodingKey {
            case perMemberPerDay = "per_member_per_day"
            case perMemberPerMonth = "per_member_per_month"
            case total
        }
    }

    public var ruleID: String
    public var name: String?
    public var kind: Kind
    /// Lower numbers are evaluated first.
    public var priority: Int
    public var stacking: Stacking
    public var points: Int64?
    public var perMinor: Int64?
    public var rounding: Rounding?
    public var factor: Multiplier?
    public var match: Match?
    public var minimumMinor: Int64?
    public var event: String?
    public var activeFrom: Timestamp?
    public var activeTo: Timestamp?
    /// Points stay pending this many days before they can be spent.
    public var pendingDays: Int?
    /// Points stay pending until the program's return window after the order has passed.
    public var pendingUntilReturnWindow: Bool?
    public var caps: Caps?

    public init(
        ruleID: String, name: String? = nil, kind: Kind, priority: Int = 100, stacking: Stacking = .add,
        points: Int64? = nil, perMinor: Int64? = nil, rounding: Rounding? = nil, factor: Multiplier? = nil,
        match: Match? = nil, minimumMinor: Int64? = nil, event: String? = nil, activeFrom: Timestamp? = nil,
        activeTo: Timestamp? = nil, pendingDays: Int? = nil, pendingUntilReturnWindow: Bool? = nil,
        caps: Caps? = nil
    ) {
        self.ruleID = ruleID
        self.name = name
        self.kind = kind
        self.priority = priority
        self.stacking = stacking
        self.points = points
        self.perMinor = perMinor
        self.rounding = rounding
        self.factor = factor
        self.match = match
        self.minimumMinor = minimumMinor
        self.event = event
        self.activeFrom = activeFrom
        self.activeTo = activeTo
        self.pendingDays = pendingDays
        self.pendingUntilReturnWindow = pendingUntilReturnWindow
        self.caps = caps
    }

    enum CodingKeys: String, CodingKey {
        case ruleID = "rule_id"
        case name, kind, priority, stacking, points
        case perMinor = "per_minor"
        case rounding, factor, match
        case minimumMinor = "minimum_minor"
        case event
        case activeFrom = "active_from"
        case activeTo = "active_to"
        case pendingDays = "pending_days"
        case pendingUntilReturnWindow = "pending_until_return_window"
        case caps
    }

    /// Whether the rule applies at `instant`.
    public func isActive(at instant: Timestamp) -> Bool {
        if let activeFrom, instant < activeFrom { return false }
        if let activeTo, instant >= activeTo { return false }
        return true
    }

    /// Every problem with the rule's parameters, addressed under `pointer`.
    public func problems(at pointer: String) -> [FieldError] {
        var problems: [FieldError] = []
        func fail(_ key: String, _ detail: String) {
            problems.append(FieldError(pointer: "\(pointer)/\(key)", detail: detail))
        }
        func require(_ value: Int64?, _ key: String) {
            if value == nil { fail(key, "is required for a \(kind.rawValue) rule") }
        }
        if ruleID.isEmpty || ruleID.unicodeScalars.count > 64 { fail("rule_id", "must be 1 to 64 characters") }
        switch kind {
        case .pointsPerCurrencyUnit:
            require(points, "points")
        case .multiplier:
            if factor == nil { fail("factor", "is required for a multiplier rule") }
            if match == nil { fail("match", "is required: name the skus, categories, channels or stores") }
        case .birthdayMonthMultiplier:
            if factor == nil { fail("factor", "is required for a birthday_month_multiplier rule") }
        case .tierMultiplier:
            break
        case .amountBonus:
            require(points, "points")
            require(minimumMinor, "minimum_minor")
        case .firstOrderBonus:
            require(points, "points")
        case .activity:
            require(points, "points")
            if (event ?? "").isEmpty { fail("event", "is required for an activity rule: the track event's name") }
        }
        // Checked for every kind: a value the kind does not use is still stored and shown.
        if let points, points <= 0 { fail("points", "must be greater than zero") }
        if let minimumMinor, minimumMinor <= 0 { fail("minimum_minor", "must be greater than zero") }
        if let perMinor, perMinor <= 0 { fail("per_minor", "must be greater than zero") }
        if let factor, factor < .one, kind != .pointsPerCurrencyUnit {
            fail("factor", "must be at least 1")
        }
        if let activeFrom, let activeTo, activeTo <= activeFrom { fail("active_to", "must be after active_from") }
        if let pendingDays, pendingDays < 0 || pendingDays > 3650 { fail("pending_days", "must be 0 to 3650") }
        if let caps {
            for (value, key) in [
                (caps.perMemberPerDay, "per_member_per_day"), (caps.perMemberPerMonth, "per_member_per_month"),
                (caps.total, "total"),
            ] {
                if let value, value <= 0 { fail("caps/\(key)", "must be greater than zero") }
            }
        }
        return problems
    }
}
