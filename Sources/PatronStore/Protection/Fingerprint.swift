import Crypto
import Foundation
import PatronCore

/// SHA-256 in hex, to recognise a request seen before without keeping its text.
public enum Fingerprint {
    public static func sha256(_ data: Data) -> String {
        Hex.encode(SHA256.hash(data: data))
    }

    /// The fingerprint of a request's JSON, whatever the order of its keys: the same order sent again, by the
    /// API or in an import file, has the same one.
    public static func of(_ value: JSONValue) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return sha256(try encoder.encode(value))
    }
}
