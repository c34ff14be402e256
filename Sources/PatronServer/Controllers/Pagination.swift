import Foundation
import Hummingbird
import PatronCore

/// `?limit=&cursor=` as every list reads them; cursors are opaque (base64url) to clients.
struct Pagination {
    static let defaultLimit = 50
    static let maximumLimit = 500

    let limit: Int
    let cursor: String?

    init(_ request: Request) throws {
        let query = request.uri.queryParameters
        var errors: [FieldError] = []
        var limit = Self.defaultLimit
        if let text = query["limit"] {
            if let value = Int(String(text)), (1...Self.maximumLimit).contains(value) {
                limit = value
            } else {
                errors.append(
                    FieldError(pointer: "?limit", detail: "must be a whole number from 1 to \(Self.maximumLimit)"))
            }
        }
        var cursor: String?
        if let text = query["cursor"], !text.isEmpty {
            cursor = Self.decode(String(text))
            if cursor == nil {
                errors.append(FieldError(pointer: "?cursor", detail: "is not a cursor this API returned"))
            }
        }
        if !errors.isEmpty { throw ValidationFailure(errors) }
        self.limit = limit
        self.cursor = cursor
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
