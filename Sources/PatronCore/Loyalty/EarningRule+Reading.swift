extension EarningRule {
    /// A rule sent as JSON, checked whole: every wrong type and every unusable value is reported at once,
    /// each at its own pointer.
    public static func parse(_ json: JSONValue) throws(ValidationFailure) -> EarningRule {
        var reader = FieldReader(json)
        let rule = read(from: &reader)
        try reader.finish()
        return rule
    }

    /// Reads a rule's fields and checks them; a field of the wrong type is reported and left at its default.
    static func read(from reader: inout FieldReader) -> EarningRule {
        let ruleID = reader.string("rule_id", required: true, maxLength: 64)
        let kind: Kind? = reader.choice("kind", required: true)
        var rule = EarningRule(ruleID: ruleID ?? "", kind: kind ?? .tierMultiplier)
        rule.name = reader.string("name")
        rule.priority = reader.int("priority") ?? rule.priority
        rule.stacking = reader.choice("stacking") ?? rule.stacking
        rule.points = reader.integer("points")
        rule.perMinor = reader.integer("per_minor")
        rule.rounding = reader.choice("rounding")
        rule.factor = reader.multiplier("factor")
        // The bound holds for the number sent, not only for its rounding to thousandths: 0.9995 is below 1.
        if kind != .pointsPerCurrencyUnit, case .number(let sent)? = reader.raw("factor"), sent < 1,
            let factor = rule.factor, factor >= .one
        {
            reader.fail("factor", "must be at least 1")
        }
        rule.match = reader.nested("match") { match in
            Match(
                skus: match.strings("skus"), categories: match.strings("categories"),
                channels: match.strings("channels"), stores: match.strings("stores"))
        }
        rule.minimumMinor = reader.integer("minimum_minor")
        rule.event = reader.string("event")
        rule.activeFrom = reader.timestamp("active_from")
        rule.activeTo = reader.timestamp("active_to")
        rule.pendingDays = reader.int("pending_days")
        rule.pendingUntilReturnWindow = reader.bool("pending_until_return_window")
        rule.caps = reader.nested("caps") { caps in
            Caps(
                perMemberPerDay: caps.integer("per_member_per_day"),
                perMemberPerMonth: caps.integer("per_member_per_month"), total: caps.integer("total"))
        }
        // Which parameters a rule needs depends on its kind: without one, there is nothing to check them against.
        if kind == nil { reader.skipChecks(under: reader.pointer) }
        reader.check(rule.problems(at: reader.pointer))
        return rule
    }
}

extension FieldReader {
    /// A multiplier such as 1.5, from 0 to 100 (three decimals count).
    mutating func multiplier(_ key: String, required: Bool = false) -> Multiplier? {
        guard let value = number(key, required: required) else { return nil }
        guard value.isFinite, value >= 0, value <= 100 else {
            fail(key, "must be a number from 0 to 100")
            return nil
        }
        return Multiplier(thousandths: Int64((value * 1000).rounded()))
    }
}
