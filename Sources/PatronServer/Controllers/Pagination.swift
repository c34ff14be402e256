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
            if cursor == nil { query.fail("cursor", "is not a cursor this API returned") }
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

    static func decode(_ text: String) -> String? {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        return Data(base64Encoded: base64).flatMap { String(data: $0, encoding: .utf8) }
    }
}
