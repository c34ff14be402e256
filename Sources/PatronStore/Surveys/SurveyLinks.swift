import Foundation
import PatronCore

/// The token in a survey link: `invitation id . expiry (Unix seconds) . MAC`, the MAC an HMAC-SHA256 over the
/// first two parts under the shared blind-index key, which outlives a rotation of the master key, so links sent
/// before a rotation keep working. A token proves which invitation it opens and until when; whether that is
/// still answerable is the invitation's row to say.
public struct SurveyLinks: Sendable {
    let protector: DataProtector

    /// Hex digits of the MAC kept: 128 bits.
    private static let macLength = 32

    public func token(invitationID: String, expiresAt: Timestamp) -> String {
        let signed = "\(invitationID).\(expiresAt.millisecondsSinceEpoch / 1_000)"
        return signed + "." + mac(signed)
    }

    /// The invitation a well-formed, correctly signed token names and the expiry it was signed with, whether or
    /// not that has passed; nil for anything else.
    public func read(_ token: String) -> (invitationID: String, expiresAtSeconds: Int64)? {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, token.utf8.count <= 256, let expiry = Int64(parts[1]) else { return nil }
        let signed = "\(parts[0]).\(parts[1])"
        guard ConstantTime.equal(Array(mac(signed).utf8), Array(parts[2].utf8)) else { return nil }
        return (String(parts[0]), expiry)
    }

    private func mac(_ signed: String) -> String {
        String(protector.blindIndex(kind: "survey-link", value: signed).prefix(Self.macLength))
    }
}
