import Foundation
import Hummingbird
import PatronCore

/// `?limit=&cursor=` as every list reads them; cursors are opaque (base64url) to clients.
struct Pagination {
    static let defaultLimit = 50
    static let maximumLimit = 500

    let limit: Int
    let cursor: String?

    /// Reads `limit` (1…500) and `cursor` (empty means the first page) into `query`'s errors.
    init(reading query: inout QueryReader) {
        limit = query.integer("limit", in: 1...Self.maximumLimit, default: Self.defaultLimit)
        var cursor: String?
        if let text = query.string("cursor", allowEmpty: true), !text.isEmpty {
            cursor = Self.decode(text)
            if cursor == nil { query.fail("cursor", "must be base64url (A-Z, a-z, 0-9, - and _)") }
        }
        self.cursor = cursor
    }

    /// For lists that read no other parameter: a 422 for a malformed `limit` or `cursor`.
    init(_ request: Request) throws {
        var query = QueryReader(request)
        self.init(reading: &query)
        try query.finish()
    }

    static func encode(_ cursor: String?) -> String? {
        cursor.map {
            Data($0.utf8).base64EncodedString().replacingOccurrences(of: "+", with: "-")
                .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
        }
    }

    /// The text of a base64url cursor. Cursors are opaque: one this API did not make is read leniently (left
    /// over bits dropped, bytes that are not UTF-8 replaced, NUL removed) and starts the list wherever it sorts.
    static func decode(_ text: String) -> String? {
        var bytes: [UInt8] = []
        var buffer: UInt32 = 0
        var bits = 0
        for scalar in text.unicodeScalars {
            guard let value = alphabet.firstIndex(of: scalar) else { return nil }
            buffer = (buffer << 6) | UInt32(value)
            bits += 6
            if bits >= 8 {
                bits -= 8
                bytes.append(UInt8(truncatingIfNeeded: buffer >> UInt32(bits)))
            }
        }
        return String(decoding: bytes.filter { $0 != 0 }, as: UTF8.self)
    }

    private static let alphabet = Array(
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".unicodeScalars)
}
