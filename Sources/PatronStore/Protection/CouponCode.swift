/// Codes people read aloud and type: letters from a 32-letter alphabet without look-alikes (0/O, 1/I),
/// read back case-insensitively, with or without dashes and spaces.
enum TypedCode {
    static let alphabet = Array("23456789ABCDEFGHJKLMNPQRSTUVWXYZ")

    static func random(count: Int) -> [Character] {
        var generator = SystemRandomNumberGenerator()
        return (0..<count).map { _ in alphabet[Int(generator.next() & 31)] }
    }

    static func letters(of text: String, count: Int) -> [Character]? {
        let letters = Array(text.uppercased().filter { $0 != "-" && $0 != " " })
        guard letters.count == count, letters.allSatisfy(alphabet.contains) else { return nil }
        return letters
    }
}

/// Coupon codes: 16 letters (80 random bits, unguessable), shown in groups of four.
public enum CouponCode {
    public static func make() -> String { format(TypedCode.random(count: 16)) }

    /// The stored form of a typed code, or nil when it cannot be one.
    public static func normalise(_ text: String) -> String? {
        TypedCode.letters(of: text, count: 16).map(format)
    }

    private static func format(_ letters: [Character]) -> String {
        stride(from: 0, to: 16, by: 4).map { String(letters[$0..<$0 + 4]) }.joined(separator: "-")
    }
}

/// Referral codes: 8 letters, short enough to share by voice; unique in the database.
public enum ReferralCode {
    public static func make() -> String { String(TypedCode.random(count: 8)) }

    public static func normalise(_ text: String) -> String? {
        TypedCode.letters(of: text, count: 8).map { String($0) }
    }
}
