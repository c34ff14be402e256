/// What an SMS reply means for marketing consent. Chinese marketing texts end with 拒收请回复R (or 回TD退订), so a
/// reply that is only R, TD or T — or 退订, STOP, UNSUBSCRIBE — withdraws the member's SMS marketing consent.
/// Anything longer is a conversation, not an opt-out.
public enum OptOutReply {
    static let words: Set<String> = ["R", "TD", "T", "退订", "STOP", "UNSUBSCRIBE"]

    /// Whether `text`, ignoring case and the spaces and punctuation around it, is an opt-out word.
    public static func isOptOut(_ text: String) -> Bool {
        let trimmed = text.unicodeScalars.drop { !isWordScalar($0) }.reversed().drop { !isWordScalar($0) }
        return words.contains(String(String.UnicodeScalarView(trimmed.reversed())).uppercased())
    }

    private static func isWordScalar(_ scalar: Unicode.Scalar) -> Bool {
        scalar.properties.isAlphabetic || scalar.properties.numericType != nil
    }
}
