extension TierProgram {
    /// Reads the tier ladder and its policy; fields left out take the standard program's values.
    static func read(from reader: inout FieldReader) -> TierProgram {
        var tiers = TierProgram.standard
        tiers.basis = reader.choice("basis") ?? tiers.basis
        tiers.windowMonths = reader.int("window_months") ?? tiers.windowMonths
        tiers.evaluation =
            reader.nested("evaluation") { evaluation in
                Evaluation(
                    on: evaluation.choice("on", required: true) ?? .anniversary, month: evaluation.int("month"),
                    day: evaluation.int("day"))
            } ?? tiers.evaluation
        tiers.graceDays = reader.int("grace_days") ?? tiers.graceDays
        tiers.downgradeSteps = reader.int("downgrade_steps") ?? tiers.downgradeSteps
        tiers.levels =
            reader.objects("levels") { level in
                Level(
                    tierID: level.string("tier_id", required: true, maxLength: 64) ?? "",
                    name: level.nested("name", required: true) { name in
                        LocalizedName(
                            zh: name.string("zh", required: true) ?? "",
                            en: name.string("en", required: true) ?? "")
                    } ?? LocalizedName(zh: "", en: ""),
                    threshold: level.integer("threshold", required: true) ?? 0,
                    multiplier: level.multiplier("multiplier", required: true) ?? .one,
                    benefits: level.strings("benefits") ?? [])
            } ?? tiers.levels
        return tiers
    }
}
