import Crypto
import Foundation

/// A master key and what comes from it: its public id and the key that wraps member and shared keys.
struct MasterKey: Sendable {
    private let bytes: [UInt8]

    init(_ key: SymmetricKey) {
        bytes = key.withUnsafeBytes { Array($0) }
    }

    func derive(_ info: String) -> [UInt8] {
        HKDF<SHA256>.deriveKey(
            inputKeyMaterial: SymmetricKey(data: bytes), info: Data(info.utf8), outputByteCount: 32
        ).withUnsafeBytes { Array($0) }
    }

    /// Names the key without revealing it, so each wrapped key says which master key wraps it.
    var id: String { Hex.encode(derive("patron master key id v1").prefix(8)) }

    /// `id:base64(nonce ‖ ciphertext ‖ tag)` of `key`.
    func wrap(_ key: [UInt8]) throws -> String {
        let box = try AES.GCM.seal(Data(key), using: SymmetricKey(data: derive("patron member key wrap v1")))
        return id + ":" + box.combined!.base64EncodedString()
    }

    func unwrap(_ body: Substring) throws -> [UInt8] {
        guard let data = Data(base64Encoded: String(body)) else { throw DataProtectionError.malformedCiphertext }
        return Array(
            try AES.GCM.open(
                AES.GCM.SealedBox(combined: data), using: SymmetricKey(data: derive("patron member key wrap v1"))))
    }
}

/// The keys shared by all data that is not one member's: sealing (anonymous events, staff secrets, data written
/// before members had keys) and blind indexes.
struct SharedKeys: Sendable {
    var encryption: [UInt8]
    var blindIndex: [UInt8]

    /// What a database created under `master` starts with.
    init(derivedFrom master: MasterKey) {
        encryption = master.derive("patron encryption v1")
        blindIndex = master.derive("patron blind index v1")
    }

    init(encryption: [UInt8], blindIndex: [UInt8]) {
        self.encryption = encryption
        self.blindIndex = blindIndex
    }
}

extension DataProtector {
    /// Unwraps a key wrapped by ``MasterKey/wrap(_:)`` with whichever configured master key wrapped it.
    func unwrapKey(_ wrapped: String) throws -> [UInt8] {
        guard let colon = wrapped.firstIndex(of: ":") else { throw DataProtectionError.malformedCiphertext }
        let id = String(wrapped[..<colon])
        guard let master = masters.first(where: { $0.id == id }) else {
            throw DataProtectionError.unknownMasterKey(id)
        }
        return try master.unwrap(wrapped[wrapped.index(after: colon)...])
    }

    /// The key wrapped under the current master key, and whether that changed it.
    func rewrap(_ wrapped: String) throws -> (wrapped: String, changed: Bool) {
        if wrapped.hasPrefix(current.id + ":") { return (wrapped, false) }
        return (try current.wrap(try unwrapKey(wrapped)), true)
    }
}
