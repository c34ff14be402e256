import Crypto
import Foundation

/// Encrypts personal data at rest (AES-GCM) and computes blind indexes (HMAC-SHA256) that find
/// a member by email or phone without storing either in the clear.
///
/// Both keys are derived from one data key with HKDF, so one secret is all an operator keeps.
public struct DataProtector: Sendable {
    // Raw bytes, since `SymmetricKey` is not `Sendable`; a key is rebuilt per use, which is cheap.
    private let encryptionKeyBytes: [UInt8]
    private let indexKeyBytes: [UInt8]
    private let dataKeyBytes: [UInt8]

    public init(dataKey: SymmetricKey) {
        dataKeyBytes = dataKey.withUnsafeBytes { Array($0) }
        func derive(_ info: String) -> [UInt8] {
            HKDF<SHA256>.deriveKey(inputKeyMaterial: dataKey, info: Data(info.utf8), outputByteCount: 32)
                .withUnsafeBytes { Array($0) }
        }
        encryptionKeyBytes = derive("patron encryption v1")
        indexKeyBytes = derive("patron blind index v1")
    }

    /// Another 32-byte key from the data key, for a purpose named by `info`; the same data key always gives the same.
    public func derivedKey(info: String) -> [UInt8] {
        HKDF<SHA256>.deriveKey(
            inputKeyMaterial: SymmetricKey(data: dataKeyBytes), info: Data(info.utf8), outputByteCount: 32
        ).withUnsafeBytes { Array($0) }
    }

    private var encryptionKey: SymmetricKey { SymmetricKey(data: encryptionKeyBytes) }
    private var indexKey: SymmetricKey { SymmetricKey(data: indexKeyBytes) }

    /// Base64 of nonce ‖ ciphertext ‖ tag.
    public func seal(_ plaintext: String) throws -> String {
        try AES.GCM.seal(Data(plaintext.utf8), using: encryptionKey).combined!.base64EncodedString()
    }

    public func open(_ sealed: String) throws -> String {
        guard let data = Data(base64Encoded: sealed) else { throw DataProtectionError.malformedCiphertext }
        let plaintext = try AES.GCM.open(AES.GCM.SealedBox(combined: data), using: encryptionKey)
        return String(decoding: plaintext, as: UTF8.self)
    }

    /// A stable, keyed digest of a normalised value; `kind` keeps equal values of different kinds apart.
    public func blindIndex(kind: String, value: String) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: Data("\(kind):\(value)".utf8), using: indexKey)
        return Hex.encode(mac)
    }
}

public enum DataProtectionError: Error, CustomStringConvertible {
    case malformedCiphertext
    case malformedKey(String)
    case missingKey
    /// The member's key was destroyed: the member was erased.
    case keyDestroyed

    public var description: String {
        switch self {
        case .malformedCiphertext: "stored personal data could not be decrypted"
        case .malformedKey(let source): "the data key in \(source) is not 32 bytes of base64"
        case .keyDestroyed: "the member's data key was destroyed when the member was erased"
        case .missingKey:
            "PATRON_DATA_KEY is required with PostgreSQL: set it to 32 random bytes in base64 (openssl rand -base64 32)"
        }
    }
}

/// Where the data key comes from: configuration, or a key file created beside an embedded database.
public enum DataKey {
    /// Parses a base64 key of 32 bytes.
    public static func parse(_ text: String, source: String) throws -> SymmetricKey {
        guard let data = Data(base64Encoded: text.trimmingCharacters(in: .whitespacesAndNewlines)), data.count == 32
        else { throw DataProtectionError.malformedKey(source) }
        return SymmetricKey(data: data)
    }

    /// The key from `configured` when given; otherwise, for SQLite only, the key file next to the
    /// database, generated (readable by the owner only) on first use.
    public static func resolve(configuration configured: String?, database: DatabaseURL) throws -> SymmetricKey {
        if let configured { return try parse(configured, source: "PATRON_DATA_KEY") }
        guard case .sqlite(let path) = database else { throw DataProtectionError.missingKey }
        let keyPath = keyFilePath(forDatabaseAt: path)
        if let existing = FileManager.default.contents(atPath: keyPath) {
            return try parse(String(decoding: existing, as: UTF8.self), source: keyPath)
        }
        let key = SymmetricKey(size: .bits256)
        let encoded = key.withUnsafeBytes { Data($0).base64EncodedString() } + "\n"
        guard
            FileManager.default.createFile(
                atPath: keyPath, contents: Data(encoded.utf8), attributes: [.posixPermissions: 0o600])
        else { throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: keyPath]) }
        return key
    }

    /// `shop.sqlite` keeps its key in `shop.key`.
    public static func keyFilePath(forDatabaseAt path: String) -> String {
        let url = URL(fileURLWithPath: path)
        return url.deletingPathExtension().appendingPathExtension("key").path
    }
}

enum Hex {
    private static let digits = Array("0123456789abcdef".utf8)

    static func encode(_ bytes: some Sequence<UInt8>) -> String {
        var text: [UInt8] = []
        for byte in bytes {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 15)])
        }
        return String(decoding: text, as: UTF8.self)
    }
}

/// Keys never show in text: services are described in logs by their fields, and a protector is one of them.
extension DataProtector: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    public var description: String { "DataProtector(keys redacted)" }
    public var debugDescription: String { description }
    public var customMirror: Mirror { Mirror(self, children: [:]) }
}
