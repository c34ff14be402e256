/// Reads typed fields out of a JSON object and collects every problem instead of stopping at the first.
///
/// Readers return `nil` for a missing or invalid field after recording why, so a caller can read all
/// fields, then ask `finish()` for the combined failure.
public struct FieldReader: Sendable {
    public let pointer: String
    private let fields: [String: JSONValue]
    /// When the value is not an object, that is the only error worth reporting about it.
    private let isObject: Bool
    public private(set) var errors: [FieldError] = []

    /// Starts reading `value`, which must be an object.
    public init(_ value: JSONValue, pointer: String = "") {
        self.pointer = pointer
        if case .object(let fields) = value {
            self.fields = fields
            self.isObject = true
        } else {
            self.fields = [:]
            self.isObject = false
            errors.append(FieldError(pointer: pointer.isEmpty ? "/" : pointer, detail: "must be an object"))
        }
    }

    public func path(_ key: String) -> String { "\(pointer)/\(key)" }

    public mutating func fail(_ key: String, _ detail: String) {
        guard isObject else { return }
        errors.append(FieldError(pointer: path(key), detail: detail))
    }

    public mutating func absorb(_ other: [FieldError]) {
        errors.append(contentsOf: other)
    }

    /// The value of `key`, treating JSON `null` as absent.
    public func raw(_ key: String) -> JSONValue? {
        switch fields[key] {
        case .none, .null?: nil
        case let value?: value
        }
    }

    public mutating func string(_ key: String, required: Bool = false, maxLength: Int = 1024) -> String? {
        guard let value = raw(key) else {
            if required { fail(key, "is required") }
            return nil
        }
        guard case .string(let text) = value else {
            fail(key, "must be a string, not \(value.typeName)")
            return nil
        }
        if required, text.allSatisfy(\.isWhitespace) {
            fail(key, "must not be empty")
            return nil
        }
        if text.count > maxLength {
            fail(key, "must be at most \(maxLength) characters")
            return nil
        }
        return text
    }

    public mutating func integer(_ key: String, required: Bool = false) -> Int64? {
        guard let value = raw(key) else {
            if required { fail(key, "is required") }
            return nil
        }
        guard case .number(let number) = value else {
            fail(key, "must be an integer, not \(value.typeName)")
            return nil
        }
        guard number.rounded() == number, abs(number) <= 9_007_199_254_740_991 else {
            fail(key, "must be a whole number")
            return nil
        }
        return Int64(number)
    }

    public mutating func object(_ key: String) -> [String: JSONValue]? {
        guard let value = raw(key) else { return nil }
        guard case .object(let object) = value else {
            fail(key, "must be an object, not \(value.typeName)")
            return nil
        }
        return object
    }

    public mutating func array(_ key: String, required: Bool = false) -> [JSONValue]? {
        guard let value = raw(key) else {
            if required { fail(key, "is required") }
            return nil
        }
        guard case .array(let items) = value else {
            fail(key, "must be an array, not \(value.typeName)")
            return nil
        }
        return items
    }

    public mutating func timestamp(_ key: String, required: Bool = false) -> Timestamp? {
        guard let text = string(key, required: required, maxLength: 64) else { return nil }
        guard let timestamp = Timestamp(rfc3339: text) else {
            fail(key, "must be an RFC 3339 timestamp such as 2026-11-01T10:15:00Z")
            return nil
        }
        return timestamp
    }

    /// Throws the collected errors, if any.
    public func finish() throws(ValidationFailure) {
        if !errors.isEmpty { throw ValidationFailure(errors) }
    }
}
