import Crypto
import Foundation
import PatronCore

/// Short-lived tokens that let a brand's app act for one member: JSON Web Tokens (RFC 7519) signed with
/// HMAC-SHA256 under a key derived from the data key, so no other secret needs keeping and any JWT library can read
/// them. Patron only accepts its own: audience `patron-member`, unexpired, signature checked in constant time.
public struct MemberTokens: Sendable {
    private let keyBytes: [UInt8]
    public static let audience = "patron-member"
    /// 15 minutes unless asked otherwise; at most an hour, since a token cannot be revoked before it expires.
    public static let defaultLifetimeSeconds: Int64 = 900
    public static let maximumLifetimeSeconds: Int64 = 3_600

    public init(protector: DataProtector) {
        keyBytes = protector.derivedKey(info: "patron member tokens v1")
    }

    private struct Claims: Codable {
        var iss: String
        var aud: String
        var sub: String
        var iat: Int64
        var exp: Int64
        var jti: String
    }

    /// A token for `memberID` valid from `now` for `lifetimeSeconds`.
    public func issue(memberID: String, at now: Timestamp, lifetimeSeconds: Int64) throws -> String {
        let issued = now.millisecondsSinceEpoch / 1_000
        let claims = Claims(
            iss: "patron", aud: Self.audience, sub: memberID, iat: issued, exp: issued + lifetimeSeconds,
            jti: Identifier.randomToken(count: 16))
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let header = Self.base64URL(Data(#"{"alg":"HS256","typ":"JWT"}"#.utf8))
        let payload = Self.base64URL(try encoder.encode(claims))
        return header + "." + payload + "." + signature(of: header + "." + payload)
    }

    /// The member a valid, unexpired token is for; `nil` for anything else.
    public func memberID(in token: String, at now: Timestamp) -> String? {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, parts.allSatisfy({ $0.utf8.count <= 2_048 }),
            let header = Self.data(base64URL: parts[0]),
            (try? JSONDecoder().decode([String: String].self, from: header)) == ["alg": "HS256", "typ": "JWT"],
            let sent = Self.data(base64URL: parts[2]),
            let expected = Self.data(base64URL: Substring(signature(of: parts[0] + "." + parts[1]))),
            ConstantTime.equal(sent, expected),
            let payload = Self.data(base64URL: parts[1]),
            let claims = try? JSONDecoder().decode(Claims.self, from: payload),
            claims.aud == Self.audience, claims.iss == "patron", claims.exp > now.millisecondsSinceEpoch / 1_000
        else { return nil }
        return claims.sub
    }

    private func signature(of text: some StringProtocol) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: Data(text.utf8), using: SymmetricKey(data: keyBytes))
        return Self.base64URL(Data(mac))
    }

    static func base64URL(_ data: Data) -> String {
        data.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    static func data(base64URL text: Substring) -> Data? {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        return Data(base64Encoded: base64)
    }
}

extension MemberTokens: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    public var description: String { "MemberTokens(key redacted)" }
    public var debugDescription: String { description }
    public var customMirror: Mirror { Mirror(self, children: [:]) }
}
