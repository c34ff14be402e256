/// The tier ladder and the policy that moves members up and down it.
public struct TierProgram: Sendable, Hashable, Encodable {
    /// What qualifies a member for a tier.
    public enum Basis: String, Sendable, Hashable, Codable, CaseIterable {
        /// Order amounts after discounts, minus refunds, in minor units of the program currency.
        case qualifyingSpend = "qualifying_spend"
        /// Points earned (before spending), minus points taken back by refunds.
        case pointsEarned = "points_earned"
    }

    /// When downgrades are considered.
    public struct Evaluation: Sendable, Hashable, Codable {
        public enum Moment: String, Sendable, Hashable, Codable, CaseIterable {
            /// Every year on the day the member reached the current tier.
            case anniversary
            /// Every year on `month`-`day`.
            case fixedDate = "fixed_date"
        }
        public var on: Moment
        public var month: Int?
        public var day: Int?

        public init(on: Moment, month: Int? = nil, day: Int? = nil) {
            self.on = on
            self.month = month
            self.day = day
        }
    }

    public struct Level: Sendable, Hashable, Codable {
        public var tierID: String
        public var name: LocalizedName
        /// Minor units when the basis is spend; points otherwise.
        public var threshold: Int64
        public var multiplier: Multiplier
        /// Shown to members; free-form.
        public var benefits: [String]

        public init(tierID: String, name: LocalizedName, threshold: Int64, multiplier: Multiplier, benefits: [String]) {
            self.tierID = tierID
            self.name = name
            self.threshold = threshold
            self.multiplier = multiplier
            self.benefits = benefits
        }

        enum CodingKeys: String, CodingKey {
            case tierID = "tier_id"
            case name, threshold, multiplier, benefits
        }
    }

    public var basis: Basis
    public var windowMonths: Int
    public var evaluation: Evaluation
    /// Days a member keeps a tier they no longer qualify for, counted from the evaluation.
    public var graceDays: Int
    /// How many tiers one evaluation may lower a member; 0 drops them straight to the tier they qualify for.
    public var downgradeSteps: Int
    /// Lowest first; the first has threshold 0.
    public var levels: [Level]

    public init(
        basis: Basis, windowMonths: Int, evaluation: Evaluation, graceDays: Int, downgradeSteps: Int, levels: [Level]
    ) {
        self.basis = basis
        self.windowMonths = windowMonths
        self.evaluation = evaluation
        self.graceDays = graceDays
        self.downgradeSteps = downgradeSteps
        self.levels = levels
    }

    enum CodingKeys: String, CodingKey {
        case basis
        case windowMonths = "window_months"
        case evaluation
        case graceDays = "grace_days"
        case downgradeSteps = "downgrade_steps"
        case levels
    }

    public static let standard = TierProgram(
        basis: .qualifyingSpend, windowMonths: 12, evaluation: Evaluation(on: .anniversary), graceDays: 0,
        downgradeSteps: 1,
        levels: [
            Level(
                tierID: "regular", name: LocalizedName(zh: "普通会员", en: "Regular"), threshold: 0,
                multiplier: .one, benefits: []),
            Level(
                tierID: "silver", name: LocalizedName(zh: "银卡会员", en: "Silver"), threshold: 200_000,
                multiplier: Multiplier(thousandths: 1200), benefits: ["1.2× points"]),
            Level(
                tierID: "gold", name: LocalizedName(zh: "金卡会员", en: "Gold"), threshold: 800_000,
                multiplier: Multiplier(thousandths: 1500), benefits: ["1.5× points", "free shipping"]),
            Level(
                tierID: "diamond", name: LocalizedName(zh: "钻石会员", en: "Diamond"), threshold: 2_000_000,
                multiplier: Multiplier(thousandths: 2000), benefits: ["2× points", "free shipping", "priority service"]),
        ])

    public var lowest: Level { levels[0] }

    public func index(of tierID: String) -> Int? { levels.firstIndex { $0.tierID == tierID } }

    public func level(_ tierID: String) -> Level? { index(of: tierID).map { levels[$0] } }

    /// The tier a member holds, given the one stored for them: the lowest until their first change, and the
    /// lowest too when the program no longer has the stored one (the tier rules count it so).
    public func heldTierID(stored: String?) -> String {
        stored.flatMap(level)?.tierID ?? lowest.tierID
    }

    /// Whether a change from `from` (nil: the member's first tier, above an implied lowest) to `to` moves a member
    /// up (+1) or down (−1) the ladder; 0 when it does not move them, or names a tier the program no longer has.
    public func direction(from: String?, to: String) -> Int {
        guard let target = index(of: to) else { return 0 }
        guard let from else { return target > 0 ? 1 : 0 }
        guard let source = index(of: from) else { return 0 }
        return target > source ? 1 : target < source ? -1 : 0
    }

    /// The highest tier whose threshold `value` reaches.
    public func qualifiedIndex(for value: Int64) -> Int {
        levels.lastIndex { $0.threshold <= value } ?? 0
    }

    func problems(at pointer: String) -> [FieldError] {
        var problems: [FieldError] = []
        func fail(_ key: String, _ detail: String) {
            problems.append(FieldError(pointer: "\(pointer)/\(key)", detail: detail))
        }
        if !(1...60).contains(windowMonths) { fail("window_months", "must be 1 to 60") }
        if graceDays < 0 || graceDays > 3650 { fail("grace_days", "must be 0 to 3650") }
        if downgradeSteps < 0 { fail("downgrade_steps", "must be 0 (to the qualified tier) or more") }
        // Out of range is refused whatever `on` says, so a stored program never holds a day that cannot be.
        if let month = evaluation.month, !(1...12).contains(month) {
            fail("evaluation/month", "must be 1 to 12")
        } else if let day = evaluation.day, !(1...31).contains(day) {
            fail("evaluation/day", "must be 1 to 31")
        } else if evaluation.on == .fixedDate {
            if let month = evaluation.month {
                if !CalendarDate.isValid(year: 2001, month: month, day: evaluation.day ?? 0) {
                    fail("evaluation/day", "must be a day of that month (not 29 February) for a fixed_date evaluation")
                }
            } else {
                fail("evaluation/month", "must be 1 to 12 for a fixed_date evaluation")
            }
        }
        if levels.isEmpty { fail("levels", "must hold at least one tier") }
        if let first = levels.first, first.threshold != 0 {
            fail("levels/0/threshold", "the lowest tier must start at 0")
        }
        for (index, level) in levels.enumerated() {
            if level.tierID.isEmpty || level.tierID.unicodeScalars.count > 64 {
                fail("levels/\(index)/tier_id", "must be 1 to 64 characters")
            }
            if index > 0, level.threshold <= levels[index - 1].threshold {
                fail("levels/\(index)/threshold", "must be higher than the tier below")
            }
            if levels[..<index].contains(where: { $0.tierID == level.tierID }) {
                fail("levels/\(index)/tier_id", "is used twice")
            }
        }
        return problems
    }
}
