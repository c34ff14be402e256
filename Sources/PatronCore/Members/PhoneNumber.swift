/// A phone number in E.164 form (`+8613800138000`).
///
/// Numbers written without a country code are read as Chinese numbers, the program's home market:
/// an 11-digit mobile number starting with 1 gets `+86`, and a landline with a leading trunk `0` drops it.
public struct PhoneNumber: Sendable, Hashable, CustomStringConvertible {
    public let e164: String

    public init?(_ text: String) {
        var digits = ""
        var hasPlus = false
        for (index, character) in text.trimmingWhitespace().enumerated() {
            if character.isASCII, character.isNumber {
                digits.append(character)
            } else if character == "+", index == 0 {
                hasPlus = true
            } else if !" -().".contains(character) {
                return nil
            }
        }
        if !hasPlus {
            if digits.hasPrefix("00") {
                digits.removeFirst(2)
            } else if digits.count == 11, digits.hasPrefix("1") {
                digits = "86" + digits
            } else if digits.count == 13, digits.hasPrefix("861") {
                // Already carries the country code.
            } else if digits.hasPrefix("0"), (10...12).contains(digits.count) {
                digits = "86" + digits.dropFirst()
            } else {
                return nil
            }
        }
        guard (8...15).contains(digits.count), !digits.hasPrefix("0") else { return nil }
        if digits.hasPrefix("86"), digits.dropFirst(2).hasPrefix("1"), digits.count != 13 { return nil }
        self.e164 = "+" + digits
    }

    public var description: String { e164 }
}
