import Hummingbird
import PatronCore

/// Reads a request's query parameters, collecting every malformed one (pointer `?name`) for a single 422.
///
/// Every route reads its parameters here, so they are checked alike: a value that does not parse or is out
/// of range, an empty value, or a parameter given twice is an error, never ignored. Parameters a route does
/// not know are ignored.
struct QueryReader {
    private let parameters: [String: String]
    /// Names given more than once.
    private let repeated: Set<String>
    private(set) var errors: [FieldError] = []

    init(_ request: Request) {
        var parameters: [String: String] = [:]
        var repeated: Set<String> = []
        for (name, value) in request.uri.queryParameters {
            let name = String(name)
            if parameters[name] != nil { repeated.insert(name) }
            parameters[name] = String(value)
        }
        self.parameters = parameters
        self.repeated = repeated
    }

    /// Whether the parameter is given at all (even empty).
    func contains(_ name: String) -> Bool { parameters[name] != nil }

    mutating func fail(_ name: String, _ detail: String) {
        errors.append(FieldError(pointer: "?\(name)", detail: detail))
    }

    /// The value as given, nil when absent. A repeated parameter is an error; an empty value is one unless
    /// `allowEmpty`.
    mutating func string(_ name: String, allowEmpty: Bool = false) -> String? {
        guard let value = parameters[name] else { return nil }
        if repeated.contains(name) {
            fail(name, "must be given once")
            return nil
        }
        if value.isEmpty, !allowEmpty {
            fail(name, "must not be empty")
            return nil
        }
        return value
    }

    /// One of an enum's values, or nil when absent (an error when `required`) or not one of them.
    mutating func choice<Value: RawRepresentable & CaseIterable>(
        _ name: String, required: Bool = false
    ) -> Value? where Value.RawValue == String {
        guard let text = string(name) else {
            if required, parameters[name] == nil { fail(name, "is required") }
            return nil
        }
        guard let value = Value(rawValue: text) else {
            fail(name, "must be one of \(Value.allCases.map(\.rawValue).joined(separator: ", "))")
            return nil
        }
        return value
    }

    /// An id or name to filter by: 1 to 64 code points (as the document counts them), not only spaces.
    mutating func identifier(_ name: String) -> String? {
        guard let text = string(name) else { return nil }
        guard text.unicodeScalars.count <= 64, !text.trimmingWhitespace().isEmpty else {
            fail(name, "must be 1 to 64 characters, not only spaces")
            return nil
        }
        return text
    }

    /// A `YYYY-MM-DD` day, or nil when absent (an error when required) or invalid.
    mutating func date(_ name: String, required: Bool = false) -> CalendarDate? {
        guard parameters[name] != nil else {
            if required { fail(name, "is required (YYYY-MM-DD)") }
            return nil
        }
        guard let text = string(name) else { return nil }
        guard let date = CalendarDate(iso: text) else {
            fail(name, "must be a date as YYYY-MM-DD, not '\(text)'")
            return nil
        }
        return date
    }

    /// An RFC 3339 instant, or nil when absent or invalid.
    mutating func timestamp(_ name: String) -> Timestamp? {
        guard let text = string(name) else { return nil }
        guard let instant = Timestamp(rfc3339: text) else {
            fail(name, "must be an RFC 3339 instant such as 2026-11-01T00:00:00Z, not '\(text)'")
            return nil
        }
        return instant
    }

    /// A whole number in `range`, `defaultValue` when absent.
    mutating func integer(_ name: String, in range: ClosedRange<Int>, default defaultValue: Int) -> Int {
        guard let text = string(name) else { return defaultValue }
        guard let value = Int(text), range.contains(value) else {
            fail(name, "must be a whole number from \(range.lowerBound) to \(range.upperBound)")
            return defaultValue
        }
        return value
    }

    /// A finite number in `range`, `defaultValue` when absent.
    mutating func number(_ name: String, in range: ClosedRange<Double>, default defaultValue: Double) -> Double {
        guard let text = string(name) else { return defaultValue }
        guard let value = Double(text), value.isFinite, range.contains(value) else {
            fail(name, "must be a number from \(format(range.lowerBound)) to \(format(range.upperBound))")
            return defaultValue
        }
        return value
    }

    func finish() throws {
        if !errors.isEmpty { throw ValidationFailure(errors) }
    }

    private func format(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String(value)
    }
}
