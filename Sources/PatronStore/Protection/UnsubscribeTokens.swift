import Crypto
import Foundation
import PatronCore

/// The tokens in marketing emails' unsubscribe links: the member id and an HMAC-SHA256 of it under a key derived
/// from the data key. They do not expire — a link in an old email must still work — and can do one thing only:
/// withdraw that member's marketing consent for email.
public struct UnsubscribeTokens: Sendable {
    private let keyBytes: [UInt8]

    public init(protector: DataProtector) {
        keyBytes = protector.derivedKey(info: "patron unsubscribe links v1")
    }

    public func token(memberID: String) -> String {
        MemberTokens.base64URL(Data(memberID.utf8)) + "." + signature(of: memberID)
    }

    /// The member a genuine token names; nil for anything else.
    public func memberID(in token: String) -> String? {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2, token.utf8.count <= 512, let data = MemberTokens.data(base64URL: parts[0]),
            let memberID = String(data: data, encoding: .utf8),
            ConstantTime.equal(Data(parts[1].utf8), Data(signature(of: memberID).utf8))
        else { return nil }
        return memberID
    }

    private func signature(of memberID: String) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: Data(memberID.utf8), using: SymmetricKey(data: keyBytes))
        return MemberTokens.base64URL(Data(mac))
    }
}

extension UnsubscribeTokens: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    public var description: String { "UnsubscribeTokens(key redacted)" }
    public var debugDescription: String { description }
    public var customMirror: Mirror { Mirror(self, children: [:]) }
}
