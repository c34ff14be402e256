import Crypto
import Foundation

/// SHA-256 in hex, to recognise a request seen before without keeping its text.
public enum Fingerprint {
    public static func sha256(_ data: Data) -> String {
        Hex.encode(SHA256.hash(data: data))
    }
}
