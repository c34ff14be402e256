extension SentimentLabel {
    /// Reads a person's label: `1`/`0`, `positive`/`negative`/`neutral` (also `pos`/`neg`/`neu`), or, with a
    /// rating scale, a rating from it: the lowest two fifths negative, the highest two fifths positive, the rest
    /// neutral (on 1–5: 1–2 negative, 3 neutral, 4–5 positive).
    public init?(parsing text: String, ratingScale: Int? = nil) {
        let value = text.trimmingCharacters().lowercased()
        if let scale = ratingScale {
            guard let rating = Double(value), rating.isFinite, rating >= 0, rating <= Double(scale) else {
                return nil
            }
            if rating <= 0.4 * Double(scale) {
                self = .negative
            } else if rating > 0.6 * Double(scale) {
                self = .positive
            } else {
                self = .neutral
            }
            return
        }
        switch value {
        case "1", "positive", "pos": self = .positive
        case "0", "negative", "neg": self = .negative
        case "neutral", "neu": self = .neutral
        default: return nil
        }
    }

    /// What ``init(parsing:ratingScale:)`` accepts, for error messages.
    public static func acceptedForms(ratingScale: Int?) -> String {
        if let scale = ratingScale { return "a rating from 0 to \(scale)" }
        return "1, 0, positive, negative or neutral"
    }
}
