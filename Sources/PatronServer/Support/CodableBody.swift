import Foundation
import PatronCore

/// Decoding a JSON value into a `Decodable` type, with decoding failures reported as field errors.
enum CodableBody {
    static func decode<Value: Decodable>(_ type: Value.Type, from value: JSONValue) throws -> Value {
        if let problem = unstorable(value, at: "", exempt: []) { throw ValidationFailure([problem]) }
        let data = try JSONEncoder().encode(value)
        do {
            return try JSONDecoder().decode(type, from: data)
        } catch let error as DecodingError {
            throw ValidationFailure([fieldError(error)])
        }
    }

    /// Decodes `Value` from the request's `text`, so 64-bit integers arrive exact (a `JSONValue` holds numbers
    /// as doubles). Each of `unsignedKeys` (top-level keys of `body`, the same request) must, when given, be a
    /// whole number from 0 to 2⁶⁴−1; otherwise it is refused at its own pointer, which the decoder's error
    /// for an out-of-range number does not carry.
    static func decode<Value: Decodable>(
        _ type: Value.Type, from text: Data, body: JSONValue, unsignedKeys: [String]
    ) throws -> Value {
        if let problem = unstorable(body, at: "", exempt: Set(unsignedKeys.map { "/\($0)" })) {
            throw ValidationFailure([problem])
        }
        var errors: [FieldError] = []
        for key in unsignedKeys {
            guard let value = body[key] else { continue }
            let decoder = JSONDecoder()
            decoder.userInfo[UnsignedField.name] = key
            if case .number = value, (try? decoder.decode(UnsignedField.self, from: text))?.value != nil { continue }
            errors.append(FieldError(pointer: "/\(key)", detail: "must be a whole number from 0 to \(UInt64.max)"))
        }
        if !errors.isEmpty { throw ValidationFailure(errors) }
        do {
            return try JSONDecoder().decode(type, from: text)
        } catch let error as DecodingError {
            throw ValidationFailure([fieldError(error)])
        }
    }

    /// The first value no field may hold, wherever it is: a text with NUL, or a number beyond ±(2⁵³−1), the
    /// range the API's document gives every integer (`exempt` pointers have their own range). Nil when none.
    static func unstorable(_ value: JSONValue, at pointer: String, exempt: Set<String>) -> FieldError? {
        switch value {
        case .string(let text):
            text.unicodeScalars.contains("\u{0}")
                ? FieldError(pointer: pointer.isEmpty ? "/" : pointer, detail: "must not contain NUL") : nil
        case .number(let number):
            abs(number) > 9_007_199_254_740_991 && !exempt.contains(pointer)
                ? FieldError(pointer: pointer, detail: "must be from −9007199254740991 to 9007199254740991") : nil
        case .array(let items):
            items.indices.lazy.compactMap { unstorable(items[$0], at: "\(pointer)/\($0)", exempt: exempt) }.first
        case .object(let fields):
            fields.lazy.compactMap { key, field in
                key.unicodeScalars.contains("\u{0}")
                    ? FieldError(pointer: pointer.isEmpty ? "/" : pointer, detail: "must not contain NUL")
                    : unstorable(field, at: "\(pointer)/\(key)", exempt: exempt)
            }.first
        default: nil
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

/// One top-level unsigned integer of a JSON object, its key named in the decoder's user info.
private struct UnsignedField: Decodable {
    static let name = CodingUserInfoKey(rawValue: "patron.unsigned-field")!

    struct Key: CodingKey {
        let stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    let value: UInt64?

    init(from decoder: any Decoder) throws {
        let key = Key(stringValue: decoder.userInfo[Self.name] as? String ?? "")
        value = try decoder.container(keyedBy: Key.self).decodeIfPresent(UInt64.self, forKey: key)
    }
}
