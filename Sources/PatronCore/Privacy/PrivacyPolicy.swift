/// One version of the privacy policy people are shown, in both languages, and when it took effect.
public struct PrivacyPolicy: Sendable, Hashable {
    public var version: String
    public var effectiveFrom: Timestamp
    public var textZH: String
    public var textEN: String

    public init(version: String, effectiveFrom: Timestamp, textZH: String, textEN: String) {
        self.version = version
        self.effectiveFrom = effectiveFrom
        self.textZH = textZH
        self.textEN = textEN
    }

    /// A version names itself in a URL: letters, digits, `.`, `_` and `-`, at most 64.
    public static func isValidVersion(_ text: String) -> Bool {
        !text.isEmpty && text.count <= 64
            && text.unicodeScalars.allSatisfy {
                $0.isASCII && ($0.properties.isAlphabetic || "0123456789._-".unicodeScalars.contains($0))
            }
    }

    /// Reads `{effective_from, text: {zh, en}}` for `version`.
    public static func read(_ version: String, from reader: inout FieldReader) -> PrivacyPolicy? {
        if !isValidVersion(version) {
            reader.fail("version", "must be 1 to 64 letters, digits, '.', '_' or '-'")
        }
        let effectiveFrom = reader.timestamp("effective_from", required: true)
        let text = reader.nested("text", required: true) { text in
            (
                text.string("zh", required: true, maxLength: 200_000),
                text.string("en", required: true, maxLength: 200_000)
            )
        }
        guard isValidVersion(version), let effectiveFrom, let zh = text?.0, let en = text?.1 else { return nil }
        return PrivacyPolicy(version: version, effectiveFrom: effectiveFrom, textZH: zh, textEN: en)
    }
}

/// Why consents or a policy were refused.
public enum ConsentError: Error, Sendable, Hashable {
    /// The statement at `index` names a policy version that is not registered.
    case unknownPolicyVersion(index: Int, version: String)
    /// A policy version is registered with other content; versions never change.
    case policyVersionTaken(version: String)
}
