import Hummingbird
import PatronCore

/// Reads a request's query parameters, collecting every invalid one (pointer `?name`) for a single 422.
struct QueryReader {
    private let parameters: [String: String]
    private(set) var errors: [FieldError] = []

    init(_ request: Request) {
        var parameters: [String: String] = [:]
        for (name, value) in request.uri.queryParameters { parameters[String(name)] = String(value) }
        self.parameters = parameters
    }

    mutating func fail(_ name: String, _ detail: String) {
        errors.append(FieldError(pointer: "?\(name)", detail: detail))
    }

    func text(_ name: String) -> String? {
        guard let value = parameters[name], !value.isEmpty else { return nil }
        return value
    }

    /// A `YYYY-MM-DD` day, or nil when absent (an error when required) or invalid.
    mutating func date(_ name: String, required: Bool = false) -> CalendarDate? {
        guard let text = text(name) else {
            if required { fail(name, "is required (YYYY-MM-DD)") }
            return nil
        }
        guard let date = CalendarDate(iso: text) else {
            fail(name, "must be a date as YYYY-MM-DD, not '\(text)'")
            return nil
        }
        return date
    }

    /// A whole number in `range`, `defaultValue` when absent.
    mutating func integer(_ name: String, in range: ClosedRange<Int>, default defaultValue: Int) -> Int {
        guard let text = text(name) else { return defaultValue }
        guard let value = Int(text), range.contains(value) else {
            fail(name, "must be a whole number from \(range.lowerBound) to \(range.upperBound)")
            return defaultValue
        }
        return value
    }

    /// A finite number in `range`, `defaultValue` when absent.
    mutating func number(_ name: String, in range: ClosedRange<Double>, default defaultValue: Double) -> Double {
        guard let text = text(name) else { return defaultValue }
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
