/// Identifiers that sort by creation time: a prefix, 48 bits of milliseconds and 80 random bits
/// in Crockford base32 (the ULID layout), e.g. `mem_01JD3X…`. Sorting by id is sorting by age,
/// which is what cursor pagination needs.
public enum Identifier {
    private static let alphabet = Array("0123456789ABCDEFGHJKMNPQRSTVWXYZ".utf8)

    public static func make(prefix: String, milliseconds: Int64 = WallClock.system.milliseconds) -> String {
        var generator = SystemRandomNumberGenerator()
        var characters = [UInt8](repeating: 0, count: 26)
        var time = UInt64(max(0, milliseconds))
        for index in stride(from: 9, through: 0, by: -1) {
            characters[index] = alphabet[Int(time & 31)]
            time >>= 5
        }
        // Two draws give the 80 bits (each draw is a system call, so not one per character):
        // the first word fills 12 characters, the second the last 4.
        let words: [UInt64] = [generator.next(), generator.next()]
        for offset in 0..<16 {
            let word = words[offset / 12] >> UInt64(5 * (offset % 12))
            characters[10 + offset] = alphabet[Int(word & 31)]
        }
        return prefix + "_" + String(decoding: characters, as: UTF8.self)
    }

    /// `count` random base62 characters, for secrets and codes.
    public static func randomToken(count: Int) -> String {
        let alphabet = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".utf8)
        var generator = SystemRandomNumberGenerator()
        return String(decoding: (0..<count).map { _ in alphabet.randomElement(using: &generator)! }, as: UTF8.self)
    }
}
