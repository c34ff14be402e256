/// What a reward gives the member who redeems it.
public enum RewardKind: String, Sendable, Hashable, Codable, CaseIterable {
    /// Money off an order: `discount_minor` or `percent_off`, above `min_spend_minor`.
    case discountCoupon = "discount_coupon"
    /// Points credited when the coupon is used on an order above `min_spend_minor`.
    case cashbackPoints = "cashback_points"
    case physicalGift = "physical_gift"
    /// An experience or an invitation to an event.
    case experience
    /// A service benefit such as free shipping or priority service, named by `benefit`.
    case convenienceBenefit = "convenience_benefit"
    /// Points turned into a donation of `donation_minor` to `charity`, recorded at once.
    case charityDonation = "charity_donation"
}

/// A calendar period in the program's time zone, for redemption limits.
public enum RewardPeriod: String, Sendable, Hashable, Codable {
    case day, week, month, year

    /// The first day of the period holding `date`; weeks start on Monday.
    public func start(of date: CalendarDate) -> CalendarDate {
        switch self {
        case .day: date
        case .week: CalendarDate(daysSinceEpoch: date.daysSinceEpoch - (date.daysSinceEpoch + 3) % 7)
        case .month: CalendarDate(year: date.year, month: date.month, day: 1)
        case .year: CalendarDate(year: date.year, month: 1, day: 1)
        }
    }
}

/// At most `count` redemptions per member in each `period`.
public struct PeriodLimit: Sendable, Hashable, Codable {
    public var count: Int
    public var period: RewardPeriod

    public init(count: Int, period: RewardPeriod) {
        self.count = count
        self.period = period
    }
}

/// A reward in the catalog: what it costs, who may have it, how many there are. Data, validated on write.
public struct Reward: Sendable, Hashable, Codable {
    public var rewardID: String
    public var kind: RewardKind
    public var name: LocalizedName
    public var description: LocalizedName?
    public var costPoints: Int64
    /// How many can ever be issued; `nil` for no limit. Cancelled redemptions give theirs back.
    public var stock: Int64?
    /// Redemptions per member, ever.
    public var perMemberLimit: Int?
    public var periodLimit: PeriodLimit?
    /// Tier ids that may redeem; `nil` or empty for every tier.
    public var eligibleTiers: [String]?
    public var activeFrom: Timestamp?
    public var activeTo: Timestamp?
    public var discountMinor: Int64?
    public var percentOff: Int?
    /// The largest discount a percentage coupon gives.
    public var maxDiscountMinor: Int64?
    public var minSpendMinor: Int64?
    public var cashbackPoints: Int64?
    /// For convenience benefits: `free_shipping`, `priority_service` or another name the shop understands.
    public var benefit: String?
    public var donationMinor: Int64?
    public var charity: String?
    /// Days an issued coupon stays usable; 30 when not given.
    public var couponValidDays: Int?
    /// Whether the coupon may be used on another member's order; false when not given.
    public var transferable: Bool?

    public init(
        rewardID: String, kind: RewardKind, name: LocalizedName, costPoints: Int64, stock: Int64? = nil,
        perMemberLimit: Int? = nil, periodLimit: PeriodLimit? = nil, eligibleTiers: [String]? = nil,
        discountMinor: Int64? = nil, minSpendMinor: Int64? = nil, cashbackPoints: Int64? = nil
    ) {
        self.rewardID = rewardID
        self.kind = kind
        self.name = name
        self.costPoints = costPoints
        self.stock = stock
        self.perMemberLimit = perMemberLimit
        self.periodLimit = periodLimit
        self.eligibleTiers = eligibleTiers
        self.discountMinor = discountMinor
        self.minSpendMinor = minSpendMinor
        self.cashbackPoints = cashbackPoints
    }

    enum CodingKeys: String, CodingKey {
        case rewardID = "reward_id"
        case kind, name, description
        case costPoints = "cost_points"
        case stock
        case perMemberLimit = "per_member_limit"
        case periodLimit = "period_limit"
        case eligibleTiers = "eligible_tiers"
        case activeFrom = "active_from"
        case activeTo = "active_to"
        case discountMinor = "discount_minor"
        case percentOff = "percent_off"
        case maxDiscountMinor = "max_discount_minor"
        case minSpendMinor = "min_spend_minor"
        case cashbackPoints = "cashback_points"
        case benefit
        case donationMinor = "donation_minor"
        case charity
        case couponValidDays = "coupon_valid_days"
        case transferable
    }

    public var validDays: Int { couponValidDays ?? 30 }

    /// Whether a coupon is issued to be used later; a donation is complete when redeemed.
    public var issuesCoupon: Bool { kind != .charityDonation }

    public func isActive(at instant: Timestamp) -> Bool {
        if let activeFrom, instant < activeFrom { return false }
        if let activeTo, instant >= activeTo { return false }
        return true
    }

    /// The discount this coupon gives on an order of `totalMinor`, or nil when the order is below the minimum.
    public func discount(onOrderOf totalMinor: Int64) -> Int64? {
        if let minSpendMinor, totalMinor < minSpendMinor { return nil }
        switch kind {
        case .discountCoupon:
            if let discountMinor { return min(discountMinor, totalMinor) }
            let percent = totalMinor * Int64(percentOff ?? 0) / 100
            return min(percent, maxDiscountMinor ?? percent)
        default:
            return 0
        }
    }

    /// Every problem with the definition, or nothing when it can be saved.
    public func problems() -> [FieldError] {
        var problems: [FieldError] = []
        func fail(_ field: String, _ detail: String) {
            problems.append(FieldError(pointer: "/\(field)", detail: detail))
        }
        let idScalars = rewardID.unicodeScalars
        if idScalars.isEmpty || idScalars.count > 64
            || idScalars.contains(where: { $0 == "/" || $0.properties.isWhitespace })
        {
            fail("reward_id", "must be 1 to 64 characters without spaces or slashes")
        }
        if name.zh.unicodeScalars.allSatisfy(\.properties.isWhitespace) {
            fail("name/zh", "must not be empty: a reward needs a Chinese name")
        }
        if name.en.unicodeScalars.allSatisfy(\.properties.isWhitespace) {
            fail("name/en", "must not be empty: a reward needs an English name")
        }
        let texts = [
            ("name/zh", name.zh), ("name/en", name.en), ("description/zh", description?.zh),
            ("description/en", description?.en), ("benefit", benefit), ("charity", charity),
        ]
        for (field, text) in texts where (text?.unicodeScalars.count ?? 0) > 1024 {
            fail(field, "must be at most 1024 characters")
        }
        if costPoints < 0 { fail("cost_points", "must not be negative") }
        if let stock, stock < 0 { fail("stock", "must not be negative") }
        if let perMemberLimit, perMemberLimit < 1 { fail("per_member_limit", "must be at least 1") }
        if let periodLimit, periodLimit.count < 1 { fail("period_limit/count", "must be at least 1") }
        if let activeFrom, let activeTo, activeTo <= activeFrom { fail("active_to", "must be after active_from") }
        if let minSpendMinor, minSpendMinor < 0 { fail("min_spend_minor", "must not be negative") }
        if let days = couponValidDays, days < 1 || days > 3650 { fail("coupon_valid_days", "must be 1 to 3650") }
        switch kind {
        case .discountCoupon:
            switch (discountMinor, percentOff) {
            case (let amount?, nil) where amount <= 0: fail("discount_minor", "must be greater than zero")
            case (nil, let percent?) where percent < 1 || percent > 100: fail("percent_off", "must be 1 to 100")
            case (nil, nil): fail("discount_minor", "a discount coupon needs discount_minor or percent_off")
            case (.some, .some): fail("percent_off", "give either discount_minor or percent_off, not both")
            default: break
            }
            if percentOff == nil, maxDiscountMinor != nil {
                fail("max_discount_minor", "only caps a percent_off discount; a discount_minor is its own maximum")
            } else if let maxDiscountMinor, maxDiscountMinor <= 0 {
                fail("max_discount_minor", "must be greater than zero")
            }
        case .cashbackPoints:
            if (cashbackPoints ?? 0) <= 0 { fail("cashback_points", "must be greater than zero") }
        case .charityDonation:
            if (donationMinor ?? 0) <= 0 { fail("donation_minor", "must be greater than zero") }
            if (charity ?? "").isEmpty { fail("charity", "names the charity receiving the donation") }
        case .convenienceBenefit:
            if (benefit ?? "").isEmpty { fail("benefit", "names the benefit, such as free_shipping") }
        case .physicalGift, .experience:
            break
        }
        for (field, isSet, owner) in foreignFields where isSet && owner != kind {
            fail(field, "belongs to a \(owner.rawValue) reward, not a \(kind.rawValue) one")
        }
        return problems
    }

    /// The fields only one kind uses: whether each is set, and that kind.
    private var foreignFields: [(String, Bool, RewardKind)] {
        [
            ("discount_minor", discountMinor != nil, .discountCoupon),
            ("percent_off", percentOff != nil, .discountCoupon),
            ("max_discount_minor", maxDiscountMinor != nil, .discountCoupon),
            ("cashback_points", cashbackPoints != nil, .cashbackPoints),
            ("benefit", benefit != nil, .convenienceBenefit),
            ("donation_minor", donationMinor != nil, .charityDonation),
            ("charity", charity != nil, .charityDonation),
        ]
    }

    /// Every problem with the definition in a program with these tiers: ``problems()`` and the eligible tiers
    /// the program does not have.
    public func problems(tiers: TierProgram) -> [FieldError] {
        var problems = problems()
        for (index, tierID) in (eligibleTiers ?? []).enumerated() where tiers.level(tierID) == nil {
            problems.append(
                FieldError(
                    pointer: "/eligible_tiers/\(index)",
                    detail: "no tier '\(tierID)' in the program (\(tiers.levels.map(\.tierID).joined(separator: ", ")))"
                ))
        }
        return problems
    }
}
