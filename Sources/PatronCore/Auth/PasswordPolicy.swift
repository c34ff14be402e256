/// What a staff password must be: long enough, not too long for bcrypt, and not one people guess first.
/// Composition rules (a digit, a capital) are deliberately absent: they make passwords predictable,
/// not strong (NIST SP 800-63B §5.1.1.2).
public enum PasswordPolicy {
    public static let minimumLength = 10
    /// bcrypt reads 72 bytes and ignores the rest; a longer password would only look stronger.
    public static let maximumBytes = 72

    /// Every reason `password` is refused for the account `email`; empty when it is acceptable.
    public static func problems(password: String, email: String) -> [PasswordProblem] {
        var problems: [PasswordProblem] = []
        if password.count < minimumLength { problems.append(.tooShort(minimum: minimumLength)) }
        if password.utf8.count > maximumBytes { problems.append(.tooLong(maximumBytes: maximumBytes)) }
        let folded = password.lowercased()
        if variants(of: folded).contains(where: CommonPasswords.contains) { problems.append(.common) }
        let localPart = email.lowercased().split(separator: "@").first.map(String.init) ?? ""
        if localPart.count >= 4, folded.contains(localPart) { problems.append(.containsEmail) }
        if isMonotonous(folded) { problems.append(.predictable) }
        return problems
    }

    /// The password as typed, without the symbols around it (`88888888!!` → `88888888`), and its letters without
    /// the digits and symbols people add to satisfy a rule (`Password123!` → `password`, `woaini1314` → `woaini`).
    static func variants(of password: String) -> [String] {
        func trimmed(_ text: String, keeping keep: (Character) -> Bool) -> String {
            guard let first = text.firstIndex(where: keep), let last = text.lastIndex(where: keep) else { return "" }
            return String(text[first...last])
        }
        return [
            password, trimmed(password) { $0.isLetter || $0.isNumber }, trimmed(password) { $0.isLetter },
        ]
    }

    /// One character repeated, or a run that climbs or falls by one (`aaaaaaaaaa`, `1234567890`, `9876543210`).
    static func isMonotonous(_ password: String) -> Bool {
        let scalars = password.unicodeScalars.map(\.value)
        guard let first = scalars.first, scalars.count > 1 else { return true }
        let step = Int64(scalars[1]) - Int64(first)
        guard abs(step) <= 1 else { return false }
        return zip(scalars, scalars.dropFirst()).allSatisfy { Int64($1) - Int64($0) == step }
    }
}

public enum PasswordProblem: Error, Sendable, Hashable, CustomStringConvertible {
    case tooShort(minimum: Int)
    case tooLong(maximumBytes: Int)
    case common
    case containsEmail
    case predictable

    public var description: String {
        switch self {
        case .tooShort(let minimum): "must be at least \(minimum) characters"
        case .tooLong(let maximum): "must be at most \(maximum) bytes"
        case .common: "is one of the most common passwords"
        case .containsEmail: "must not contain the email address"
        case .predictable: "must not be one character repeated or a sequence"
        }
    }
}
