import Foundation
import PatronCore

/// Decoding a JSON value into a `Decodable` type, with decoding failures reported as field errors.
enum CodableBody {
    static func decode<Value: Decodable>(_ type: Value.Type, from value: JSONValue) throws -> Value {
        let data = try JSONEncoder().encode(value)
        do {
            return try JSONDecoder().decode(type, from: data)
        } catch let error as DecodingError {
            throw ValidationFailure([fieldError(error)])
        }
    }

    static func fieldError(_ error: DecodingError) -> FieldError {
        func pointer(_ path: [any CodingKey]) -> String {
            "/" + path.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: "/")
        }
        switch error {
        case .keyNotFound(let key, let context):
            return FieldError(pointer: pointer(context.codingPath + [key]), detail: "is required")
        case .typeMismatch(let type, let context):
            return FieldError(pointer: pointer(context.codingPath), detail: "must be \(describe(type))")
        case .valueNotFound(let type, let context):
            return FieldError(pointer: pointer(context.codingPath), detail: "must be \(describe(type)), not null")
        case .dataCorrupted(let context):
            // Swift's message for an unknown enum value names Swift types; say it in the API's terms.
            let detail =
                context.debugDescription.hasPrefix("Cannot initialize")
                ? "is not one of the allowed values (see /openapi.json)" : context.debugDescription
            return FieldError(pointer: pointer(context.codingPath), detail: detail)
        @unknown default:
            return FieldError(pointer: "/", detail: "is not valid")
        }
    }

    private static func describe(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Int.Type, is Int64.Type: "an integer"
        case is Double.Type: "a number"
        case is Bool.Type: "true or false"
        default: "an object or array of the documented shape"
        }
    }
}
