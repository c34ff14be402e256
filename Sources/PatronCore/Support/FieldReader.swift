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
    /// Objects read too poorly to check: see ``skipChecks(under:)``.
    private var unchecked: [String] = []

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

    /// Whether `key` is given as JSON `null`, which a setting may read as "none" rather than "the default".
    public func isNull(_ key: String) -> Bool {
        if case .null? = fields[key] { true } else { false }
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
        // Counted and tested by Unicode scalar, as JSON Schema's maxLength and patterns count.
        if text.unicodeScalars.contains("\u{0}") {
            fail(key, "must not contain NUL")
            return nil
        }
        if required, text.unicodeScalars.allSatisfy(\.properties.isWhitespace) {
            fail(key, "must not be empty")
            return nil
        }
        if text.unicodeScalars.count > maxLength {
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

    /// Reads the object at `key` with `read`, whose pointers lie under `key`; its problems join this reader's.
    /// Absent (or `null`) reads as nil; a value that is not an object is reported.
    public mutating func nested<Value>(
        _ key: String, required: Bool = false, _ read: (inout FieldReader) -> Value
    ) -> Value? {
        guard let value = raw(key) else {
            if required { fail(key, "is required") }
            return nil
        }
        guard case .object = value else {
            fail(key, "must be an object, not \(value.typeName)")
            return nil
        }
        var inner = FieldReader(value, pointer: path(key))
        let result = read(&inner)
        merge(inner)
        return result
    }

    /// Reads each element of the array at `key` as an object with `read`; an element that is not an object
    /// is reported and read as an empty one, so the result keeps the array's indexes.
    public mutating func objects<Value>(
        _ key: String, required: Bool = false, _ read: (inout FieldReader) -> Value
    ) -> [Value]? {
        guard let items = array(key, required: required) else { return nil }
        return items.enumerated().map { index, item in
            var inner = FieldReader(item, pointer: "\(path(key))/\(index)")
            let result = read(&inner)
            merge(inner)
            return result
        }
    }

    /// The array of strings at `key`; each element of another type is reported at its own index.
    public mutating func strings(_ key: String, maxLength: Int = 1024) -> [String]? {
        guard let items = array(key) else { return nil }
        var strings: [String] = []
        for (index, item) in items.enumerated() {
            guard case .string(let text) = item else {
                fail("\(key)/\(index)", "must be a string, not \(item.typeName)")
                continue
            }
            // Counted by Unicode scalar, as in `string(_:)`.
            if text.unicodeScalars.contains("\u{0}") {
                fail("\(key)/\(index)", "must not contain NUL")
            } else if text.unicodeScalars.count > maxLength {
                fail("\(key)/\(index)", "must be at most \(maxLength) characters")
            } else {
                strings.append(text)
            }
        }
        return strings
    }

    /// One of the values of a string enumeration.
    public mutating func choice<Value: RawRepresentable & CaseIterable>(
        _ key: String, required: Bool = false
    ) -> Value? where Value.RawValue == String {
        guard let text = string(key, required: required, maxLength: 64) else { return nil }
        guard let value = Value(rawValue: text) else {
            fail(key, "must be one of \(Value.allCases.map(\.rawValue).joined(separator: ", "))")
            return nil
        }
        return value
    }

    public mutating func bool(_ key: String) -> Bool? {
        guard let value = raw(key) else { return nil }
        guard case .bool(let flag) = value else {
            fail(key, "must be true or false, not \(value.typeName)")
            return nil
        }
        return flag
    }

    public mutating func number(_ key: String, required: Bool = false) -> Double? {
        guard let value = raw(key) else {
            if required { fail(key, "is required") }
            return nil
        }
        guard case .number(let number) = value else {
            fail(key, "must be a number, not \(value.typeName)")
            return nil
        }
        return number
    }

    /// An integer that fits `Int`, such as a count of days.
    public mutating func int(_ key: String, required: Bool = false) -> Int? {
        integer(key, required: required).map { Int($0) }
    }

    /// Adds the problems a check of the values read found, except those about a field already reported
    /// (it holds a stand-in value) or inside an object marked ``skipChecks(under:)``.
    public mutating func check(_ problems: [FieldError]) {
        let reported = errors.map(\.pointer) + unchecked
        errors += problems.filter { problem in
            !reported.contains { problem.pointer == $0 || problem.pointer.hasPrefix($0 + "/") }
        }
    }

    /// Marks the object at `pointer` as read too poorly to check further, such as a rule of unknown kind.
    public mutating func skipChecks(under pointer: String) {
        unchecked.append(pointer)
    }

    private mutating func merge(_ inner: FieldReader) {
        errors += inner.errors
        unchecked += inner.unchecked
    }

    /// Throws the collected errors, if any.
    public func finish() throws(ValidationFailure) {
        if !errors.isEmpty { throw ValidationFailure(errors) }
    }
}
