import Crypto
import Foundation
import PatronCore

/// SHA-256 in hex, to recognise a request seen before without keeping its text.
public enum Fingerprint {
    public static func sha256(_ data: Data) -> String {
        Hex.encode(SHA256.hash(data: data))
    }

    /// The fingerprint of a request's JSON, whatever the order of its keys: the same order sent again, by the
    /// API or in an import file, has the same one. It hashes the text `JSONEncoder` writes with sorted keys and
    /// unescaped slashes, which every stored fingerprint was made from (`JSONValue.sortedText`).
    public static func of(_ value: JSONValue) -> String {
        sha256(Data(value.sortedText))
    }
}
