import Crypto
import Foundation

/// Encrypts personal data at rest (AES-GCM) and computes blind indexes (HMAC-SHA256) that find
/// a member by email or phone without storing either in the clear.
///
/// The master key (the data key an operator keeps) only wraps keys: each member's own key, and the two shared
/// ones — for data of nobody in particular and for blind indexes — kept wrapped in `protection_keys`. A fresh
/// database's shared keys are derived from the master key with HKDF; once stored, they stay when the master key
/// is rotated. During a rotation the previous master keys are held too, to open what they wrapped.
public struct DataProtector: Sendable {
    /// The shared keys, which the database holds wrapped: derived until ``loadSharedKeys(in:at:)`` reads them, and
    /// shared by every copy of this protector (a store hands copies to its parts before the database runs).
    let shared: SharedKeyring
    /// The current master key first, then any previous ones.
    let masters: [MasterKey]

    /// Everything derived from one master key, as a fresh database has it.
    public init(dataKey: SymmetricKey) {
        self.init(masterKeys: [dataKey])
    }

    /// Master keys, the current one first and then those still needed during a rotation.
    public init(masterKeys: [SymmetricKey]) {
        masters = masterKeys.map(MasterKey.init)
        shared = SharedKeyring(SharedKeys(derivedFrom: masters[0]))
    }

    private var encryptionKeyBytes: [UInt8] { shared.keys.encryption }
    private var indexKeyBytes: [UInt8] { shared.keys.blindIndex }

    var current: MasterKey { masters[0] }

    /// Another 32-byte key from the current master key, for a purpose named by `info`.
    public func derivedKey(info: String) -> [UInt8] {
        current.derive(info)
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
    /// Data was wrapped under a master key that is not configured.
    case unknownMasterKey(String)
    /// Previous keys were given for a database whose shared keys were never stored.
    case rotationBeforeKeysStored

    public var description: String {
        switch self {
        case .malformedCiphertext: "stored personal data could not be decrypted"
        case .malformedKey(let source): "the data key in \(source) is not 32 bytes of base64"
        case .keyDestroyed: "the member's data key was destroyed when the member was erased"
        case .rotationBeforeKeysStored:
            "start Patron once with PATRON_DATA_KEY set to this database's current key and no "
                + "PATRON_PREVIOUS_DATA_KEYS, so it stores its keys; then rotate"
        case .unknownMasterKey(let id):
            "keys in this database are wrapped under master key \(id), which is neither PATRON_DATA_KEY nor one of "
                + "PATRON_PREVIOUS_DATA_KEYS"
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

    /// The master keys still needed during a rotation: base64 keys separated by commas (PATRON_PREVIOUS_DATA_KEYS).
    public static func previous(_ configured: String?) throws -> [SymmetricKey] {
        guard let configured else { return [] }
        return try configured.split(separator: ",").map {
            try parse(String($0), source: "PATRON_PREVIOUS_DATA_KEYS")
        }
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
