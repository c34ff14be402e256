import Crypto
import Foundation

/// A member's own data key: the member's personal fields are sealed under it, and destroying it (erasure)
/// leaves whatever copies of those fields survive — old database pages, write-ahead logs — unreadable.
/// It is stored only wrapped (sealed) under the master key.
public struct MemberKey: Sendable {
    fileprivate let bytes: [UInt8]
}

extension DataProtector {
    /// Text sealed under a member's key starts with this; older text, sealed under the shared key, does not
    /// (base64 has no colon).
    static let memberSealPrefix = "m1:"

    /// The current master key's id.
    public var masterKeyID: String { current.id }

    /// A fresh member key and its wrapped form for storage.
    func newMemberKey() throws -> (key: MemberKey, wrapped: String) {
        let bytes = SymmetricKey(size: .bits256).withUnsafeBytes { Array($0) }
        return (MemberKey(bytes: bytes), try current.wrap(bytes))
    }

    func unwrap(_ wrapped: String) throws -> MemberKey {
        MemberKey(bytes: try unwrapKey(wrapped))
    }

    func seal(_ plaintext: String, under key: MemberKey) throws -> String {
        let box = try AES.GCM.seal(Data(plaintext.utf8), using: SymmetricKey(data: key.bytes))
        return Self.memberSealPrefix + box.combined!.base64EncodedString()
    }

    /// Opens text sealed under `key`, or under the shared key when it was written before members had keys.
    func open(_ sealed: String, under key: MemberKey?) throws -> String {
        guard sealed.hasPrefix(Self.memberSealPrefix) else { return try open(sealed) }
        guard let key else { throw DataProtectionError.keyDestroyed }
        guard let data = Data(base64Encoded: String(sealed.dropFirst(Self.memberSealPrefix.count))) else {
            throw DataProtectionError.malformedCiphertext
        }
        let plaintext = try AES.GCM.open(AES.GCM.SealedBox(combined: data), using: SymmetricKey(data: key.bytes))
        return String(decoding: plaintext, as: UTF8.self)
    }
}

/// Seals and opens one member's personal data; with no member key, the shared key (data of nobody known,
/// such as an anonymous visitor's events).
public struct PersonalSealer: Sendable {
    let protector: DataProtector
    let key: MemberKey?

    func seal(_ plaintext: String) throws -> String {
        guard let key else { return try protector.seal(plaintext) }
        return try protector.seal(plaintext, under: key)
    }

    func open(_ sealed: String) throws -> String {
        try protector.open(sealed, under: key)
    }
}
