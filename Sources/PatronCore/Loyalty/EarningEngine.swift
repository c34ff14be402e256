/// What a member has already received from a rule, for its caps.
public struct RuleUsage: Sendable, Hashable {
    public var memberToday: Int64
    public var memberThisMonth: Int64
    public var total: Int64

    public init(memberToday: Int64 = 0, memberThisMonth: Int64 = 0, total: Int64 = 0) {
        self.memberToday = memberToday
        self.memberThisMonth = memberThisMonth
        self.total = total
    }
}

/// Everything rule evaluation needs to know about an order and its member.
public struct EarningContext: Sendable, Hashable {
    public var lines: [OrderLine]
    public var orderDiscountMinor: Int64
    public var channel: String
    public var storeID: String?
    public var occurredAt: Timestamp
    public var isFirstOrder: Bool
    public var isBirthdayMonth: Bool
    public var tier: TierProgram.Level
    public var usage: [String: RuleUsage]

    public init(
        lines: [OrderLine], orderDiscountMinor: Int64, channel: String, storeID: String?, occurredAt: Timestamp,
        isFirstOrder: Bool, isBirthdayMonth: Bool, tier: TierProgram.Level, usage: [String: RuleUsage] = [:]
    ) {
        self.lines = lines
        self.orderDiscountMinor = orderDiscountMinor
        self.channel = channel
        self.storeID = storeID
        self.occurredAt = occurredAt
        self.isFirstOrder = isFirstOrder
        self.isBirthdayMonth = isBirthdayMonth
        self.tier = tier
        self.usage = usage
    }

    /// What each line cost after its own discount and its share of the order's discount.
    public var netLineAmounts: [Int64] { OrderLine.netAmounts(of: lines, orderDiscountMinor: orderDiscountMinor) }
}

/// The points one rule gave, why, and how they spread over the order's lines (refunds take back by line).
public struct AwardComponent: Sendable, Hashable, Codable {
    public var ruleID: String
    public var points: Int64
    public var reason: String
    /// Indexed like the order's lines; empty for activities.
    public var pointsByLine: [Int64]
    /// Days the points stay pending.
    public var pendingDays: Int

    enum CodingKeys: String, CodingKey {
        case ruleID = "rule_id"
        case points, reason
        case pointsByLine = "points_by_line"
        case pendingDays = "pending_days"
    }
}

/// What an order or activity earns.
public struct Award: Sendable, Hashable {
    public var components: [AwardComponent]

    public var points: Int64 { components.reduce(0) { $0 + $1.points } }
}

/// Evaluates earning rules: a pure function from a program and an order (or activity) to an award.
///
/// Base rules (`points_per_currency_unit`) run first, then the others, each group by priority; a
/// `stop_after` rule that gives points ends evaluation; of the `best_of` rules only the largest counts.
public enum EarningEngine {
    public static func evaluate(_ context: EarningContext, program: LoyaltyProgram) -> Award {
        let net = context.netLineAmounts
        let orderAmount = net.reduce(0, +)
        let active = program.rules.filter { $0.kind != .activity && $0.isActive(at: context.occurredAt) }
        let ordered =
            active.filter(\.kind.isBase).sorted(by: precedes) + active.filter { !$0.kind.isBase }.sorted(by: precedes)
        var components: [AwardComponent] = []
        var bestOf: AwardComponent?
        var basePerLine = Array(repeating: Int64(0), count: context.lines.count)
        for rule in ordered {
            guard
                var component = component(
                    for: rule, context: context, net: net, orderAmount: orderAmount, basePerLine: basePerLine,
                    program: program)
            else { continue }
            component = capped(component, rule: rule, usage: context.usage[rule.ruleID] ?? RuleUsage())
            guard component.points > 0 else { continue }
            if rule.kind.isBase {
                for index in basePerLine.indices { basePerLine[index] += component.pointsByLine[index] }
            }
            switch rule.stacking {
            case .add, .stopAfter:
                components.append(component)
            case .bestOf:
                if component.points > (bestOf?.points ?? 0) { bestOf = component }
            }
            if rule.stacking == .stopAfter { break }
        }
        if let bestOf { components.append(bestOf) }
        return Award(components: components)
    }

    /// The points a `track` event named `event` earns.
    public static func evaluateActivity(
        event: String, occurredAt: Timestamp, usage: [String: RuleUsage], program: LoyaltyProgram
    ) -> Award {
        let rules = program.rules.filter { $0.kind == .activity && $0.event == event && $0.isActive(at: occurredAt) }
            .sorted(by: precedes)
        var components: [AwardComponent] = []
        var bestOf: AwardComponent?
        for rule in rules {
            let component = capped(
                AwardComponent(
                    ruleID: rule.ruleID, points: rule.points ?? 0, reason: "activity \"\(event)\"", pointsByLine: [],
                    pendingDays: pendingDays(rule, program: program)),
                rule: rule, usage: usage[rule.ruleID] ?? RuleUsage())
            guard component.points > 0 else { continue }
            if rule.stacking == .bestOf {
                if component.points > (bestOf?.points ?? 0) { bestOf = component }
            } else {
                components.append(component)
            }
            if rule.stacking == .stopAfter { break }
        }
        if let bestOf { components.append(bestOf) }
        return Award(components: components)
    }

    private static func precedes(_ left: EarningRule, _ right: EarningRule) -> Bool {
        (left.priority, left.ruleID) < (right.priority, right.ruleID)
    }

    static func pendingDays(_ rule: EarningRule, program: LoyaltyProgram) -> Int {
        rule.pendingUntilReturnWindow == true
            ? max(program.returnWindowDays, rule.pendingDays ?? 0) : rule.pendingDays ?? 0
    }

    private static func component(
        for rule: EarningRule, context: EarningContext, net: [Int64], orderAmount: Int64, basePerLine: [Int64],
        program: LoyaltyProgram
    ) -> AwardComponent? {
        let currency = program.currency
        let matching = context.lines.indices.map { matches(rule.match, line: context.lines[$0], context: context) }
        func make(_ points: Int64, _ reason: String, weights: [Int64]) -> AwardComponent {
            AwardComponent(
                ruleID: rule.ruleID, points: points, reason: reason,
                pointsByLine: Allocation.proportional(points, weights: weights),
                pendingDays: pendingDays(rule, program: program))
        }
        func multiplied(_ factor: Multiplier, _ label: String) -> AwardComponent? {
            let base = zip(basePerLine, matching).map { $1 ? $0 : 0 }
            let extra = factor.extra(on: base.reduce(0, +))
            return make(extra, "\(label) \(factor) on \(base.reduce(0, +)) base points", weights: base)
        }
        switch rule.kind {
        case .pointsPerCurrencyUnit:
            let eligible = zip(net, matching).map { $1 ? $0 : 0 }
            let amount = eligible.reduce(0, +)
            let perMinor = rule.perMinor ?? 100
            let numerator = amount * (rule.points ?? 0)
            let points: Int64 =
                switch rule.rounding ?? .down {
                case .down: numerator / perMinor
                case .up: (numerator + perMinor - 1) / perMinor
                case .nearest: (numerator * 2 + perMinor) / (perMinor * 2)
                }
            return make(
                points,
                "\(rule.points ?? 0) point(s) per \(format(perMinor, currency)) on \(format(amount, currency))",
                weights: eligible)
        case .multiplier:
            guard let factor = rule.factor, matching.contains(true) else { return nil }
            return multiplied(factor, "\(describe(rule.match))")
        case .tierMultiplier:
            return multiplied(context.tier.multiplier, "\(context.tier.name.zh) (\(context.tier.name.en))")
        case .birthdayMonthMultiplier:
            guard context.isBirthdayMonth, let factor = rule.factor else { return nil }
            return multiplied(factor, "birthday month")
        case .amountBonus:
            guard let minimum = rule.minimumMinor, orderAmount >= minimum else { return nil }
            return make(
                rule.points ?? 0, "order of \(format(orderAmount, currency)) reached \(format(minimum, currency))",
                weights: net)
        case .firstOrderBonus:
            guard context.isFirstOrder else { return nil }
            return make(rule.points ?? 0, "first order", weights: net)
        case .activity:
            return nil
        }
    }

    private static func matches(_ match: EarningRule.Match?, line: OrderLine, context: EarningContext) -> Bool {
        guard let match else { return true }
        if let skus = match.skus, !skus.contains(line.sku) { return false }
        if let categories = match.categories, !categories.contains(line.category ?? "") { return false }
        if let channels = match.channels, !channels.contains(context.channel) { return false }
        if let stores = match.stores, !stores.contains(context.storeID ?? "") { return false }
        return true
    }

    private static func describe(_ match: EarningRule.Match?) -> String {
        guard let match else { return "all lines" }
        var parts: [String] = []
        if let skus = match.skus { parts.append("sku \(skus.joined(separator: "/"))") }
        if let categories = match.categories { parts.append("category \(categories.joined(separator: "/"))") }
        if let channels = match.channels { parts.append("channel \(channels.joined(separator: "/"))") }
        if let stores = match.stores { parts.append("store \(stores.joined(separator: "/"))") }
        return parts.joined(separator: ", ")
    }

    private static func capped(_ component: AwardComponent, rule: EarningRule, usage: RuleUsage) -> AwardComponent {
        guard let caps = rule.caps else { return component }
        var limit = component.points
        var binding: String?
        for (cap, used, name) in [
            (caps.perMemberPerDay, usage.memberToday, "per member per day"),
            (caps.perMemberPerMonth, usage.memberThisMonth, "per member per month"),
            (caps.total, usage.total, "in total"),
        ] {
            guard let cap else { continue }
            let room = max(0, cap - used)
            if room < limit {
                limit = room
                binding = "capped at \(cap) \(name)"
            }
        }
        guard let binding else { return component }
        var result = component
        result.points = limit
        result.reason += " (\(binding))"
        result.pointsByLine =
            component.pointsByLine.isEmpty ? [] : Allocation.proportional(limit, weights: component.pointsByLine)
        return result
    }

    static func format(_ minor: Int64, _ currency: Currency) -> String {
        "\(currency.amount(minor)) \(currency.code)"
    }
}

/// Splitting an integer total over weighted parts.
public enum Allocation {
    /// Splits `total` in proportion to `weights` by largest remainder: the parts sum to `total`, each is
    /// within one of its exact share, and ties go to the earlier part. With no positive weight the first
    /// part takes everything.
    public static func proportional(_ total: Int64, weights: [Int64]) -> [Int64] {
        guard !weights.isEmpty else { return [] }
        let sum = weights.reduce(0) { $0 + max(0, $1) }
        guard sum > 0 else { return [total] + Array(repeating: 0, count: weights.count - 1) }
        let parts = weights.map { sum.dividingFullWidth(max(0, $0).multipliedFullWidth(by: total)) }
        var result = parts.map(\.quotient)
        var left = total - result.reduce(0, +)
        let byRemainder = parts.indices.sorted { (parts[$0].remainder, -$0) > (parts[$1].remainder, -$1) }
        for index in byRemainder where left > 0 {
            result[index] += 1
            left -= 1
        }
        return result
    }
}
