import Crypto
import Foundation

/// Standard Webhooks signing: the secret is `whsec_` and base64 of random bytes; a signature is `v1,` and base64
/// of HMAC-SHA256 over `{webhook-id}.{webhook-timestamp}.{body}` under those bytes. During a secret's rotation
/// both secrets sign, space-separated, so a receiver holding either one accepts the message.
public enum WebhookSignature {
    public static let secretPrefix = "whsec_"

    /// A new secret of 24 random bytes, as the spec recommends (between 24 and 64).
    public static func makeSecret() -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<24).map { _ in UInt8.random(in: 0...255, using: &generator) }
        return secretPrefix + Data(bytes).base64EncodedString()
    }

    /// The `webhook-signature` header for a message, one `v1,…` per secret.
    public static func header(secrets: [String], id: String, timestamp: Int64, body: [UInt8]) -> String {
        secrets.compactMap { sign(secret: $0, id: id, timestamp: timestamp, body: body) }.joined(separator: " ")
    }

    /// One `v1,…` signature; nil for a secret that is not `whsec_` and base64.
    public static func sign(secret: String, id: String, timestamp: Int64, body: [UInt8]) -> String? {
        guard secret.hasPrefix(secretPrefix), let key = Data(base64Encoded: String(secret.dropFirst(6))) else {
            return nil
        }
        var message = Array("\(id).\(timestamp).".utf8)
        message += body
        let mac = HMAC<SHA256>.authenticationCode(for: message, using: SymmetricKey(data: key))
        return "v1," + Data(mac).base64EncodedString()
    }
}
